package dev.fastbook.collab.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Reads a MovieLens ratings file (u.data with tabs, ratings.dat with {@code ::}, ratings.csv with a
 * header) into the columns {@code user, movie, rating, timestamp}: ids and timestamps as ints,
 * ratings as ints (whole-star data sets) or floats (half stars), in primitive arrays.
 *
 * <p>Why not Tablesaw's {@code CsvReader}: with declared column types (INTEGER, INTEGER, FLOAT,
 * INTEGER) it read the 25M-row synthetic ratings.csv in 17.6 s with 482 MB of heap left after GC
 * ({@code -Xmx2g}, on this 2-core machine shared with other jobs). That is inside the 30 s target, but
 * with little margin for ml-32m (32M rows) on a busy machine, it cannot split on the {@code ::} of
 * ratings.dat (its separator is one char), and its errors count data rows rather than file lines and
 * say "For input string" for an id that is too large for an int. This parser reads the bytes in
 * 8 MB chunks and parses digits by hand into int[] / float[] (no object per row): the same file, same
 * machine and flags, loads in 3.7 s at the same load average (about 2), and in 6 to 10 s with the
 * load average at 9, with 390 MB held after GC, the same sums in every column as Tablesaw's
 * ({@code LoadBenchmark}; {@code -Xmx1g} is enough). Every line the fast
 * path does not accept is handed to a slow path that either parses it (stray spaces, {@code 4e0}) or
 * names the file, the line and what is wrong with it.
 */
final class RatingsParser {

    /** How the fields of a line are separated, and whether a header line is expected. */
    enum Format {
        TAB("\t", false, "tab-separated"),
        DOUBLE_COLON("::", false, "'::'-separated"),
        CSV(",", true, "comma-separated");

        final String separator;
        final boolean header;
        final String description;

        Format(String separator, boolean header, String description) {
            this.separator = separator;
            this.header = header;
            this.description = description;
        }

        /** The format a ratings file's name implies (u.data, *.dat, *.csv), or null. */
        static Format ofFileName(String name) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.endsWith(".data") || lower.endsWith(".tsv") || lower.endsWith(".base") || lower.endsWith(".test")) {
                return TAB;
            }
            if (lower.endsWith(".dat")) {
                return DOUBLE_COLON;
            }
            if (lower.endsWith(".csv")) {
                return CSV;
            }
            return null;
        }

        /** The format of a line of a file whose name says nothing. */
        static Format ofLine(String line) {
            if (line.contains("::")) {
                return DOUBLE_COLON;
            }
            return line.contains("\t") ? TAB : CSV;
        }
    }

    /**
     * The stars a data set uses. {@code WHOLE}: 1..5, an IntColumn (ml-100k and ml-1m; the book
     * shows ratings as {@code 3}). {@code HALF}: 0.5..5, a FloatColumn (ml-10m and later, the csv
     * releases). {@code AUTO} (a ratings.dat of unknown origin): 0.5..5, an IntColumn when every
     * rating turns out whole, as in ml-1m, else a FloatColumn.
     */
    enum Scale {
        WHOLE(1f, 5f, "1..5 whole stars"),
        HALF(0.5f, 5f, "0.5..5 stars"),
        AUTO(0.5f, 5f, "0.5..5 stars");

        final float min;
        final float max;
        final String description;

        Scale(float min, float max, String description) {
            this.min = min;
            this.max = max;
            this.description = description;
        }
    }

    static final String[] NAMES = {"user", "movie", "rating", "timestamp"};
    private static final int CHUNK = 8 << 20;
    private static final float[] TENTHS = {1f, 10f, 100f, 1000f, 10_000f, 100_000f, 1_000_000f};

    private final Path file;
    private final Format format;
    private final Scale scale;
    private final byte[] sep;

    private int[] users;
    private int[] movies;
    private float[] ratings;
    private int[] timestamps;
    private int rows;
    private boolean allWhole = true;

    private final int chunk;

    private RatingsParser(Path file, Format format, Scale scale, int chunk) {
        this.chunk = chunk;
        this.file = file;
        this.format = format;
        this.scale = scale;
        this.sep = format.separator.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads {@code file}; errors name the file and the 1-based line. */
    static Table read(Path file, Format format, Scale scale) {
        return read(file, format, scale, CHUNK);
    }

    /** @param chunk bytes read at a time (tests use tiny chunks to cross many chunk boundaries) */
    static Table read(Path file, Format format, Scale scale, int chunk) {
        if (!Files.isRegularFile(file)) {
            throw new DataNotFoundException(file + " not found.");
        }
        RatingsParser parser = new RatingsParser(file, format, scale, chunk);
        try {
            parser.parseFile();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        return parser.table();
    }

    private Table table() {
        Table table = Table.create("ratings");
        // Trimmed copies; the growing arrays become garbage as each column is made (one column's worth extra at a time).
        table.addColumns(IntColumn.create(NAMES[0], trim(users)));
        users = null;
        table.addColumns(IntColumn.create(NAMES[1], trim(movies)));
        movies = null;
        boolean asInts = scale == Scale.WHOLE || (scale == Scale.AUTO && allWhole);
        if (asInts) {
            int[] whole = new int[rows];
            for (int i = 0; i < rows; i++) {
                whole[i] = (int) ratings[i];
            }
            table.addColumns(IntColumn.create(NAMES[2], whole));
        } else {
            table.addColumns(FloatColumn.create(NAMES[2], rows == ratings.length ? ratings : Arrays.copyOf(ratings, rows)));
        }
        ratings = null;
        table.addColumns(IntColumn.create(NAMES[3], trim(timestamps)));
        timestamps = null;
        return table;
    }

    private int[] trim(int[] column) {
        return column.length == rows ? column : Arrays.copyOf(column, rows);
    }

    private void allocate(int capacity) {
        users = new int[capacity];
        movies = new int[capacity];
        ratings = new float[capacity];
        timestamps = new int[capacity];
    }

    private void grow() {
        int capacity = (int) Math.min(Integer.MAX_VALUE - 16, users.length + (users.length >> 1) + 1024L);
        if (capacity <= users.length) {
            throw new MalformedDataException(file, rows + 1, "more than " + rows + " ratings: too many for one table");
        }
        users = Arrays.copyOf(users, capacity);
        movies = Arrays.copyOf(movies, capacity);
        ratings = Arrays.copyOf(ratings, capacity);
        timestamps = Arrays.copyOf(timestamps, capacity);
    }

    // ---- reading ----

    private int lineNumber;
    private int blanks; // blank lines seen since the last data line: fine at the very end only
    private boolean headerDone;

    private void parseFile() throws IOException {
        long size = Files.size(file);
        byte[] buf = new byte[(int) Math.min(chunk, size + 1)]; // +1: a file that fits is seen to end
        try (InputStream in = Files.newInputStream(file)) {
            int len = in.readNBytes(buf, 0, buf.length);
            allocate(estimateRows(buf, len, size));
            boolean eof = len < buf.length;
            while (true) {
                int start = 0;
                int nl;
                while ((nl = indexOf(buf, (byte) '\n', start, len)) >= 0) {
                    line(buf, start, nl);
                    start = nl + 1;
                }
                if (eof) {
                    if (start < len) {
                        line(buf, start, len); // no final newline
                    }
                    break;
                }
                int rest = len - start;
                if (rest == buf.length) {
                    throw new MalformedDataException(file, lineNumber + 1, "a line longer than " + buf.length
                            + " bytes: this is not a MovieLens ratings file");
                }
                System.arraycopy(buf, start, buf, 0, rest);
                int n = in.readNBytes(buf, rest, buf.length - rest);
                len = rest + n;
                eof = len < buf.length;
            }
        }
        if (rows == 0) {
            String what = headerDone && format.header ? "has a header but no ratings" : "is empty";
            throw new MalformedDataException(file, Math.max(1, lineNumber - blanks), "the file " + what
                    + " (a truncated download or copy?)");
        }
    }

    /** Rows expected from the first chunk's mean line length, plus 5%, so that the arrays rarely grow. */
    private static int estimateRows(byte[] buf, int len, long size) {
        int lines = 0;
        for (int i = 0; i < len; i++) {
            if (buf[i] == '\n') {
                lines++;
            }
        }
        if (lines == 0 || len == 0) {
            return 1024;
        }
        double estimate = (double) size * lines / len * 1.05 + 1024;
        return (int) Math.min(estimate, Integer.MAX_VALUE - 16);
    }

    private static int indexOf(byte[] buf, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private void line(byte[] buf, int start, int end) {
        lineNumber++;
        if (lineNumber < 0) {
            throw new MalformedDataException(file, Integer.MAX_VALUE, "more than 2^31 lines: too many for one table");
        }
        if (end > start && buf[end - 1] == '\r') {
            end--; // Windows line ends
        }
        if (isBlank(buf, start, end)) {
            blanks++;
            return;
        }
        if (blanks > 0) {
            throw new MalformedDataException(file, lineNumber - blanks, "empty line in the middle of the file");
        }
        if (!headerDone) {
            headerDone = true;
            if (format.header && !startsLikeANumber(buf[start])) {
                header(new String(buf, start, end - start, StandardCharsets.UTF_8));
                return;
            }
        }
        if (rows == users.length) {
            grow();
        }
        if (!fastLine(buf, start, end)) {
            slowLine(new String(buf, start, end - start, StandardCharsets.UTF_8));
        }
        rows++;
    }

    private static boolean isBlank(byte[] buf, int start, int end) {
        for (int i = start; i < end; i++) {
            if (buf[i] != ' ' && buf[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static boolean startsLikeANumber(byte b) {
        return (b >= '0' && b <= '9') || b == '-' || b == '+' || b == ' ';
    }

    private void header(String line) {
        String[] fields = line.split(java.util.regex.Pattern.quote(format.separator), -1);
        if (fields.length != NAMES.length) {
            throw new MalformedDataException(file, lineNumber, "expected a header of 4 " + format.description
                    + " fields (userId,movieId,rating,timestamp) but found " + fields.length + ": " + quote(line));
        }
    }

    // ---- the fast path: digits by hand, no objects ----

    private int pos; // the next byte of the line being parsed by the fast path

    /** Parses a well-formed line into row {@link #rows}; false for anything unusual (the slow path decides). */
    private boolean fastLine(byte[] buf, int start, int end) {
        pos = start;
        long user = digits(buf, end);
        if (user < 0 || !separator(buf, end)) {
            return false;
        }
        long movie = digits(buf, end);
        if (movie < 0 || !separator(buf, end)) {
            return false;
        }
        long whole = digits(buf, end);
        if (whole < 0) {
            return false;
        }
        float rating = whole;
        if (pos < end && buf[pos] == '.') {
            pos++;
            int from = pos;
            long fraction = digits(buf, end);
            int places = pos - from;
            if (fraction < 0 || places >= TENTHS.length) {
                return false;
            }
            rating = (float) ((whole * (long) TENTHS[places] + fraction) / (double) TENTHS[places]);
        }
        if (!separator(buf, end)) {
            return false;
        }
        long timestamp = digits(buf, end);
        if (timestamp < 0 || pos != end) {
            return false;
        }
        if (user > Integer.MAX_VALUE || movie > Integer.MAX_VALUE || timestamp > Integer.MAX_VALUE
                || !(rating >= scale.min && rating <= scale.max)) {
            return false;
        }
        if (rating != (int) rating) {
            if (scale == Scale.WHOLE) {
                return false;
            }
            allWhole = false;
        }
        users[rows] = (int) user;
        movies[rows] = (int) movie;
        ratings[rows] = rating;
        timestamps[rows] = (int) timestamp;
        return true;
    }

    /** Up to 18 digits at {@link #pos} as a long, or -1 when there are none or more. */
    private long digits(byte[] buf, int end) {
        int from = pos;
        long value = 0;
        int p = pos;
        while (p < end) {
            int d = buf[p] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            value = value * 10 + d;
            p++;
        }
        pos = p;
        int n = p - from;
        return n == 0 || n > 18 ? -1 : value;
    }

    private boolean separator(byte[] buf, int end) {
        if (pos + sep.length > end) {
            return false;
        }
        for (int i = 0; i < sep.length; i++) {
            if (buf[pos + i] != sep[i]) {
                return false;
            }
        }
        pos += sep.length;
        return true;
    }

    // ---- the slow path: either parses the line or says exactly what is wrong ----

    private void slowLine(String line) {
        String[] fields = line.split(java.util.regex.Pattern.quote(format.separator), -1);
        if (fields.length != NAMES.length) {
            throw new MalformedDataException(file, lineNumber, "expected 4 " + format.description
                    + " fields (user, movie, rating, timestamp) but found " + fields.length + ": " + quote(line)
                    + (lineNumber > 1 && fields.length < NAMES.length ? " (a truncated file?)" : ""));
        }
        int user = intField(fields[0].trim(), "user id", line);
        int movie = intField(fields[1].trim(), "movie id", line);
        float rating = rating(fields[2].trim(), line);
        int timestamp = intField(fields[3].trim(), "timestamp", line);
        users[rows] = user;
        movies[rows] = movie;
        ratings[rows] = rating;
        timestamps[rows] = timestamp;
    }

    private int intField(String field, String what, String line) {
        if (!field.matches("[+-]?[0-9]+")) {
            String name = what.replace(" id", "");
            throw new MalformedDataException(file, lineNumber, "the " + name + " field is not a whole number: "
                    + quote(field) + " in " + quote(line));
        }
        BigInteger value = new BigInteger(field.startsWith("+") ? field.substring(1) : field);
        if (value.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0
                || value.compareTo(BigInteger.valueOf(Integer.MIN_VALUE)) < 0) {
            throw new MalformedDataException(file, lineNumber, what + " " + value + " on line " + lineNumber
                    + " is " + (value.signum() > 0 ? "larger than the largest" : "smaller than the smallest")
                    + " int (" + (value.signum() > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE)
                    + "), which is what ids and timestamps are stored as: " + quote(line)
                    + ". Renumber the ids (e.g. by rank) before loading.");
        }
        return value.intValue();
    }

    private float rating(String field, String line) {
        float value;
        try {
            value = Float.parseFloat(field);
        } catch (NumberFormatException e) {
            value = Float.NaN;
        }
        boolean number = !Float.isNaN(value) && !field.isEmpty() && !field.endsWith("f") && !field.endsWith("d")
                && !field.endsWith("F") && !field.endsWith("D");
        if (scale == Scale.WHOLE && !(number && value == (int) value && field.matches("[+-]?[0-9]+(\\.0*)?"))) {
            if (!number || !field.matches("[+-]?[0-9]*\\.?[0-9]*([eE][+-]?[0-9]+)?")) {
                throw new MalformedDataException(file, lineNumber, "the rating field is not a whole number: "
                        + quote(field) + " in " + quote(line));
            }
            throw new MalformedDataException(file, lineNumber, "rating " + field + " on line " + lineNumber
                    + " is not on this data set's scale of " + scale.description + ": " + quote(line));
        }
        if (!number) {
            throw new MalformedDataException(file, lineNumber, "the rating field is not a number: "
                    + quote(field) + " in " + quote(line));
        }
        if (!(value >= scale.min && value <= scale.max)) {
            throw new MalformedDataException(file, lineNumber, "rating " + field + " on line " + lineNumber
                    + " is outside this data set's scale of " + scale.description + ": " + quote(line));
        }
        if (value != (int) value) {
            allWhole = false;
        }
        return value;
    }

    static String quote(String text) {
        String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
        return "\"" + shown.replace("\t", "\\t") + "\"";
    }
}
