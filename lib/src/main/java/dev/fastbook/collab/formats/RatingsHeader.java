package dev.fastbook.collab.formats;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A ratings.csv header read by name: which field holds the user, the movie, the rating and the
 * timestamp. MovieLens writes {@code userId,movieId,rating,timestamp}; any order is read right
 * (checking only the count would load {@code movieId,userId,...} with users and movies swapped),
 * and this library's own names {@code user, movie} are accepted too. Case does not matter.
 */
final class RatingsHeader {

    static final int USER = 0;
    static final int MOVIE = 1;
    static final int RATING = 2;
    static final int TIMESTAMP = 3;
    /** Headerless files: the fields in MovieLens's order. */
    static final int[] FILE_ORDER = {USER, MOVIE, RATING, TIMESTAMP};

    private RatingsHeader() {}

    /** The column ({@link #USER} ...) of each field, in the order of the fields. */
    static int[] columns(String line, RatingsFormat format, Path file, int lineNumber) {
        String[] fields = line.split(Pattern.quote(format.separator), -1);
        String expected = "userId, movieId, rating and timestamp, in any order";
        if (fields.length != 4) {
            throw new MalformedDataException(
                    file,
                    lineNumber,
                    "expected a header of 4 " + format.description + " fields (" + expected + ") but found "
                            + fields.length + ": " + TextLines.quote(line));
        }
        int[] columns = new int[4];
        boolean[] seen = new boolean[4];
        for (int i = 0; i < 4; i++) {
            int column = column(fields[i].trim());
            if (column < 0 || seen[column]) {
                throw new MalformedDataException(
                        file,
                        lineNumber,
                        "the header's field " + (i + 1) + " "
                                + TextLines.quote(fields[i])
                                + (column < 0 ? " is not one of " : " occurs twice; expected ")
                                + expected + ": " + TextLines.quote(line)
                                + ". Rename the header's fields (e.g. user_id to userId) and load again.");
            }
            seen[column] = true;
            columns[i] = column;
        }
        return columns;
    }

    private static int column(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "userid", "user" -> USER;
            case "movieid", "movie" -> MOVIE;
            case "rating" -> RATING;
            case "timestamp" -> TIMESTAMP;
            default -> -1;
        };
    }
}
