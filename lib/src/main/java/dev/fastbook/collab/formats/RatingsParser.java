package dev.fastbook.collab.formats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import tech.tablesaw.api.Table;

/**
 * Reads a MovieLens ratings file (u.data and u1.base with tabs, ratings.dat with {@code ::},
 * ratings.csv with a header read by name, {@link RatingsHeader}) into the columns
 * {@code user, movie, rating, timestamp} ({@link RatingsColumns}). A leading UTF-8 byte-order mark is
 * dropped, so a headerless file that starts with one keeps its first rating.
 *
 * <p>Why not Tablesaw's {@code CsvReader}: it cannot split on the {@code ::} of ratings.dat (its
 * separator is one char), its errors count data rows rather than file lines and say "For input
 * string" for an id too large for an int, and it is slower on a large file (environment/BENCHMARKS.md,
 * "The full MovieLens", compares the two). This parser
 * reads the bytes in 8 MB chunks and parses digits by hand into primitive arrays. Every line the
 * fast path does not accept is handed to a slow path that either parses it (stray spaces,
 * {@code 4e0}, negative ids) or names the file, the line and what is wrong with it.
 */
public final class RatingsParser {

    private static final int CHUNK = 8 << 20;
    private static final float[] TENTHS = {1f, 10f, 100f, 1000f, 10_000f, 100_000f, 1_000_000f};

    private final Path file;
    private final RatingsFormat format;
    private final RatingScale scale;
    private final byte[] sep;
    private final int chunk;
    private RatingsColumns columns;
    private int[] order = RatingsHeader.FILE_ORDER; // the column of each field, from the header

    private RatingsParser(Path file, RatingsFormat format, RatingScale scale, int chunk) {
        this.chunk = chunk;
        this.file = file;
        this.format = format;
        this.scale = scale;
        this.sep = format.separator.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads {@code file}; errors name the file and the 1-based line. */
    public static Table read(Path file, RatingsFormat format, RatingScale scale) {
        return read(file, format, scale, CHUNK);
    }

    /** @param chunk bytes read at a time (tests use tiny chunks to cross many chunk boundaries) */
    static Table read(Path file, RatingsFormat format, RatingScale scale, int chunk) {
        if (!Files.isRegularFile(file)) {
            throw new DataNotFoundException(file + " not found.");
        }
        RatingsParser parser = new RatingsParser(file, format, scale, chunk);
        try {
            parser.parseFile();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        return parser.columns.table(scale);
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
            columns = new RatingsColumns(file, estimateRows(buf, len, size));
            boolean eof = len < buf.length;
            int start = TextLines.bomLength(buf, len);
            while (true) {
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
                    throw new MalformedDataException(
                            file,
                            lineNumber + 1,
                            "a line longer than " + buf.length + " bytes: this is not a MovieLens ratings file");
                }
                System.arraycopy(buf, start, buf, 0, rest);
                int n = in.readNBytes(buf, rest, buf.length - rest);
                len = rest + n;
                eof = len < buf.length;
                start = 0;
            }
        }
        if (columns.rows() == 0) {
            String what = headerDone && format.header ? "has a header but no ratings" : "is empty";
            throw new MalformedDataException(
                    file, Math.max(1, lineNumber - blanks), "the file " + what + " (a truncated download or copy?)");
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
                order = RatingsHeader.columns(
                        new String(buf, start, end - start, StandardCharsets.UTF_8), format, file, lineNumber);
                return;
            }
        }
        if (!fastLine(buf, start, end)) {
            slowLine(new String(buf, start, end - start, StandardCharsets.UTF_8));
        }
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

    // ---- the fast path: digits by hand, no objects ----

    private int pos; // the next byte of the line being parsed by the fast path
    private final long[] ints = new long[4]; // user, movie, -, timestamp of the line, by column

    /** Parses a well-formed line; false for anything unusual (the slow path decides). */
    private boolean fastLine(byte[] buf, int start, int end) {
        pos = start;
        float rating = Float.NaN;
        for (int field = 0; field < 4; field++) {
            if (field > 0 && !separator(buf, end)) {
                return false;
            }
            int column = order[field];
            if (column == RatingsHeader.RATING) {
                rating = decimal(buf, end);
                if (Float.isNaN(rating)) {
                    return false;
                }
            } else {
                long value = digits(buf, end);
                if (value < 0 || value > Integer.MAX_VALUE) {
                    return false;
                }
                ints[column] = value;
            }
        }
        if (pos != end || !scale.accepts(rating)) {
            return false;
        }
        columns.add((int) ints[RatingsHeader.USER], (int) ints[RatingsHeader.MOVIE], rating, (int)
                ints[RatingsHeader.TIMESTAMP]);
        return true;
    }

    /** {@code 4} or {@code 3.5} at {@link #pos}, or NaN. */
    private float decimal(byte[] buf, int end) {
        long whole = digits(buf, end);
        if (whole < 0) {
            return Float.NaN;
        }
        if (pos < end && buf[pos] == '.') {
            pos++;
            int from = pos;
            long fraction = digits(buf, end);
            int places = pos - from;
            if (fraction < 0 || places >= TENTHS.length) {
                return Float.NaN;
            }
            return (float) ((whole * (long) TENTHS[places] + fraction) / (double) TENTHS[places]);
        }
        return whole;
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

    private static final String[] FIELD_NAMES = {"user id", "movie id", "rating", "timestamp"};

    private void slowLine(String line) {
        String[] fields = line.split(Pattern.quote(format.separator), -1);
        if (fields.length != 4) {
            throw new MalformedDataException(
                    file,
                    lineNumber,
                    "expected 4 " + format.description
                            + " fields (" + fieldNames() + ") but found " + fields.length + ": " + TextLines.quote(line)
                            + (lineNumber > 1 && fields.length < 4 ? " (a truncated file?)" : ""));
        }
        int[] values = new int[4];
        float rating = 0;
        for (int field = 0; field < 4; field++) {
            int column = order[field];
            if (column == RatingsHeader.RATING) {
                rating = rating(fields[field].trim(), line);
            } else {
                values[column] = intField(fields[field].trim(), FIELD_NAMES[column], line);
            }
        }
        columns.add(values[RatingsHeader.USER], values[RatingsHeader.MOVIE], rating, values[RatingsHeader.TIMESTAMP]);
    }

    /** The fields in this file's order, e.g. "user, movie, rating, timestamp". */
    private String fieldNames() {
        StringBuilder names = new StringBuilder();
        for (int column : order) {
            names.append(names.length() == 0 ? "" : ", ").append(RatingsColumns.NAMES[column]);
        }
        return names.toString();
    }

    private int intField(String field, String what, String line) {
        if (!field.matches("[+-]?[0-9]+")) {
            String name = what.replace(" id", "");
            throw new MalformedDataException(
                    file,
                    lineNumber,
                    "the " + name + " field is not a whole number: " + TextLines.quote(field) + " in "
                            + TextLines.quote(line));
        }
        BigInteger value = new BigInteger(field.startsWith("+") ? field.substring(1) : field);
        if (value.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0
                || value.compareTo(BigInteger.valueOf(Integer.MIN_VALUE)) < 0) {
            throw new MalformedDataException(
                    file,
                    lineNumber,
                    what + " " + value + " on line " + lineNumber
                            + " is " + (value.signum() > 0 ? "larger than the largest" : "smaller than the smallest")
                            + " int (" + (value.signum() > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE)
                            + "), which is what ids and timestamps are stored as: " + TextLines.quote(line)
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
        boolean number = !Float.isNaN(value) && !field.isEmpty() && !field.matches(".*[fFdD]");
        boolean looksNumeric = field.matches("[+-]?[0-9]*\\.?[0-9]*([eE][+-]?[0-9]+)?");
        if (!number || !looksNumeric) {
            throw new MalformedDataException(
                    file,
                    lineNumber,
                    "the rating field is not a "
                            + (scale == RatingScale.WHOLE ? "whole " : "") + "number: " + TextLines.quote(field)
                            + " in " + TextLines.quote(line));
        }
        boolean wholeText = field.matches("[+-]?[0-9]+(\\.0*)?");
        if (!scale.accepts(value)
                || (scale == RatingScale.WHOLE && !wholeText && value >= scale.min && value <= scale.max)) {
            throw new MalformedDataException(
                    file, lineNumber, scale.problem(field, value, lineNumber) + ": " + TextLines.quote(line));
        }
        return value;
    }
}
