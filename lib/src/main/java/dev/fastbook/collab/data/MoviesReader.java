package dev.fastbook.collab.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * commas are quoted, quotes doubled). Small files (a few MB at most), so plain Strings are fine.
 *
 * <p>Text encoding, line by line: GroupLens wrote u.item and ml-1m's movies.dat in Latin-1, ml-10m's
 * movies.dat and the csv releases in UTF-8, and edited copies mix them. A line whose bytes are valid
 * UTF-8 and hold a multi-byte sequence is decoded as UTF-8; any other line as Latin-1. This is
 * unambiguous in practice: Latin-1 titles would have to contain pairs like "Ã©" to look like UTF-8,
 * and a lone Latin-1 letter such as é (0xE9) is never valid UTF-8. So "Misérables" is read right
 * from either encoding, and no line ever decodes to U+FFFD.
 */
final class MoviesReader {

    private static final int ITEM_FIELDS = 24;

    private MoviesReader() {
    }

    /** {@code u.item}: {@code movie} and {@code title} (the chapter's table; the genre flags are left out as before). */
    static Table uItem(Path file) {
        List<Integer> ids = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (Line line : lines(file)) {
            String[] fields = line.text.split("\\|", -1);
            if (fields.length != ITEM_FIELDS) {
                throw new MalformedDataException(file, line.number, "expected " + ITEM_FIELDS
                        + " '|'-separated fields (movie id, title, dates, URL, 19 genre flags) but found "
                        + fields.length + ": " + RatingsParser.quote(line.text));
            }
            ids.add(movieId(fields[0], file, line));
            titles.add(fields[1]);
        }
        return Table.create("movies",
                IntColumn.create("movie", ids.stream().mapToInt(Integer::intValue).toArray()),
                StringColumn.create("title", titles));
    }

    /** {@code movies.dat}: {@code movie}, {@code title}, {@code genres} ('|'-separated names). */
    static Table dat(Path file) {
        Columns columns = new Columns();
        for (Line line : lines(file)) {
            String[] fields = line.text.split(Pattern.quote("::"), -1);
            if (fields.length != 3) {
                throw new MalformedDataException(file, line.number, "expected 3 '::'-separated fields"
                        + " (movie id, title, genres) but found " + fields.length + ": " + RatingsParser.quote(line.text));
            }
            columns.add(movieId(fields[0], file, line), fields[1], fields[2]);
        }
        return columns.table();
    }

    /** {@code movies.csv} with its header {@code movieId,title,genres}. */
    static Table csv(Path file) {
        Columns columns = new Columns();
        List<Line> lines = lines(file);
        int i = 0;
        if (!lines.isEmpty() && !lines.get(0).text.isEmpty() && !Character.isDigit(lines.get(0).text.charAt(0))) {
            List<String> header = csvFields(lines.get(0).text);
            if (header == null || header.size() != 3) {
                throw new MalformedDataException(file, lines.get(0).number, "expected the header movieId,title,genres"
                        + " but found " + RatingsParser.quote(lines.get(0).text));
            }
            i = 1;
        }
        for (; i < lines.size(); i++) {
            Line first = lines.get(i);
            String record = first.text;
            List<String> fields = csvFields(record);
            while (fields == null && i + 1 < lines.size()) { // a quoted field that holds a line break
                record = record + "\n" + lines.get(++i).text;
                fields = csvFields(record);
            }
            if (fields == null) {
                throw new MalformedDataException(file, first.number, "a quote opened here is never closed: "
                        + RatingsParser.quote(first.text));
            }
            if (fields.size() != 3) {
                throw new MalformedDataException(file, first.number, "expected 3 comma-separated fields"
                        + " (movieId, title, genres; titles with commas in quotes) but found " + fields.size()
                        + ": " + RatingsParser.quote(record));
            }
            columns.add(movieId(fields.get(0), file, first), fields.get(1), fields.get(2));
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

    private static int movieId(String field, Path file, Line line) {
        String trimmed = field.trim();
        if (!trimmed.matches("[+-]?[0-9]+")) {
            throw new MalformedDataException(file, line.number, "the movie id field is not a whole number: "
                    + RatingsParser.quote(field) + " in " + RatingsParser.quote(line.text));
        }
        try {
            return Integer.parseInt(trimmed.startsWith("+") ? trimmed.substring(1) : trimmed);
        } catch (NumberFormatException e) {
            throw new MalformedDataException(file, line.number, "movie id " + trimmed + " on line " + line.number
                    + " is larger than the largest int (" + Integer.MAX_VALUE + "), which is what ids are stored as: "
                    + RatingsParser.quote(line.text));
        }
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
            return Table.create("movies",
                    IntColumn.create("movie", ids.stream().mapToInt(Integer::intValue).toArray()),
                    StringColumn.create("title", titles),
                    StringColumn.create("genres", genres));
        }
    }

    record Line(int number, String text) {
    }

    /** The non-blank lines with their 1-based numbers; blank lines are fine at the end only. */
    static List<Line> lines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataNotFoundException(file + " not found.");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        List<Line> lines = new ArrayList<>();
        int number = 0;
        int blanks = 0;
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            number++;
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            String text = decode(bytes, start, stop);
            start = end + 1;
            if (text.isBlank()) {
                blanks++;
                continue;
            }
            if (blanks > 0) {
                throw new MalformedDataException(file, number - blanks, "empty line in the middle of the file");
            }
            lines.add(new Line(number, text));
        }
        if (lines.isEmpty()) {
            throw new MalformedDataException(file, 1, "the file is empty (a truncated download or copy?)");
        }
        return lines;
    }

    /** UTF-8 when the bytes are valid UTF-8 with a multi-byte sequence, else Latin-1 (see the class comment). */
    static String decode(byte[] bytes, int from, int to) {
        boolean ascii = true;
        for (int i = from; i < to && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        if (ascii) {
            return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }
}
