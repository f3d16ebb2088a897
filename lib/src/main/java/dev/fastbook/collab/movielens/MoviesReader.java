package dev.fastbook.collab.movielens;

import dev.fastbook.collab.formats.MalformedDataException;
import dev.fastbook.collab.formats.TextLines;
import dev.fastbook.collab.formats.TextLines.Line;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Reads the movies of a MovieLens release: {@code u.item} ('|'-separated, 24 fields),
 * {@code movies.dat} ({@code id::title::genres}) or {@code movies.csv} (RFC 4180: titles with
 * commas are quoted, quotes doubled). Encodings and byte-order marks: see {@link TextLines}.
 */
final class MoviesReader {

    private static final int ITEM_FIELDS = 24;
    private static final int FIRST_FLAG = 5;

    private MoviesReader() {}

    /** {@code u.item}: {@code movie} and {@code title} (the chapter's table; the genres are in {@link #uItemGenres}). */
    static Table uItem(Path file) {
        List<Integer> ids = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (Line line : TextLines.read(file)) {
            String[] fields = uItemFields(file, line);
            ids.add(TextLines.intField(fields[0], "movie id", file, line));
            titles.add(fields[1]);
        }
        return Table.create(
                "movies",
                IntColumn.create(
                        "movie", ids.stream().mapToInt(Integer::intValue).toArray()),
                StringColumn.create("title", titles));
    }

    /** {@code u.item}'s 19 genre flags: {@code movie}, then one 0/1 IntColumn per genre of {@link Genres#ML_100K}. */
    static Table uItemGenres(Path file) {
        List<Line> lines = TextLines.read(file);
        int[] ids = new int[lines.size()];
        int[][] flags = new int[Genres.ML_100K.size()][lines.size()];
        for (int row = 0; row < lines.size(); row++) {
            Line line = lines.get(row);
            String[] fields = uItemFields(file, line);
            ids[row] = TextLines.intField(fields[0], "movie id", file, line);
            for (int g = 0; g < flags.length; g++) {
                String flag = fields[FIRST_FLAG + g].trim();
                if (!flag.equals("0") && !flag.equals("1")) {
                    throw new MalformedDataException(
                            file,
                            line.number(),
                            "the " + Genres.ML_100K.get(g)
                                    + " flag (field " + (FIRST_FLAG + g + 1) + ") must be 0 or 1 but is "
                                    + TextLines.quote(flag) + ": " + TextLines.quote(line.text()));
                }
                flags[g][row] = flag.charAt(0) - '0';
            }
        }
        return Genres.table(ids, Genres.ML_100K, flags);
    }

    private static String[] uItemFields(Path file, Line line) {
        String[] fields = line.text().split("\\|", -1);
        if (fields.length != ITEM_FIELDS) {
            throw new MalformedDataException(
                    file,
                    line.number(),
                    "expected " + ITEM_FIELDS
                            + " '|'-separated fields (movie id, title, dates, URL, 19 genre flags) but found "
                            + fields.length + ": " + TextLines.quote(line.text()));
        }
        return fields;
    }

    /** {@code movies.dat}: {@code movie}, {@code title}, {@code genres} ('|'-separated names). */
    static Table dat(Path file) {
        Columns columns = new Columns();
        for (Line line : TextLines.read(file)) {
            String[] fields = line.text().split(Pattern.quote("::"), -1);
            if (fields.length != 3) {
                throw new MalformedDataException(
                        file,
                        line.number(),
                        "expected 3 '::'-separated fields" + " (movie id, title, genres) but found " + fields.length
                                + ": " + TextLines.quote(line.text()));
            }
            columns.add(TextLines.intField(fields[0], "movie id", file, line), fields[1], fields[2]);
        }
        return columns.table();
    }

    /** {@code movies.csv} with its header {@code movieId,title,genres}. */
    static Table csv(Path file) {
        Columns columns = new Columns();
        List<Line> lines = TextLines.read(file);
        int i = 0;
        if (!lines.isEmpty()
                && !lines.get(0).text().isEmpty()
                && !Character.isDigit(lines.get(0).text().charAt(0))) {
            List<String> header = csvFields(lines.get(0).text());
            if (header == null || !header.equals(List.of("movieId", "title", "genres"))) {
                throw new MalformedDataException(
                        file,
                        lines.get(0).number(),
                        "expected the header movieId,title,genres" + " but found "
                                + TextLines.quote(lines.get(0).text()));
            }
            i = 1;
        }
        for (; i < lines.size(); i++) {
            Line first = lines.get(i);
            String record = first.text();
            List<String> fields = csvFields(record);
            while (fields == null && i + 1 < lines.size()) { // a quoted field that holds a line break
                record = record + "\n" + lines.get(++i).text();
                fields = csvFields(record);
            }
            if (fields == null) {
                throw new MalformedDataException(
                        file, first.number(), "a quote opened here is never closed: " + TextLines.quote(first.text()));
            }
            if (fields.size() != 3) {
                throw new MalformedDataException(
                        file,
                        first.number(),
                        "expected 3 comma-separated fields"
                                + " (movieId, title, genres; titles with commas in quotes) but found " + fields.size()
                                + ": " + TextLines.quote(record));
            }
            columns.add(TextLines.intField(fields.get(0), "movie id", file, first), fields.get(1), fields.get(2));
        }
        if (columns.ids.isEmpty()) {
            throw new MalformedDataException(file, 1, "no movies in the file (a truncated download or copy?)");
        }
        return columns.table();
    }

    /**
     * The fields of one CSV record (RFC 4180: a quoted field may hold commas, doubled quotes and
     * line breaks), or null when a quote is still open at the end.
     */
    static List<String> csvFields(String record) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < record.length(); i++) {
            char c = record.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < record.length() && record.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && (field.length() == 0 && !wasQuoted)) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        fields.add(field.toString());
        return fields;
    }

    private static final class Columns {
        final List<Integer> ids = new ArrayList<>();
        final List<String> titles = new ArrayList<>();
        final List<String> genres = new ArrayList<>();

        void add(int id, String title, String genre) {
            ids.add(id);
            titles.add(title);
            genres.add(genre);
        }

        Table table() {
            return Table.create(
                    "movies",
                    IntColumn.create(
                            "movie", ids.stream().mapToInt(Integer::intValue).toArray()),
                    StringColumn.create("title", titles),
                    StringColumn.create("genres", genres));
        }
    }
}
