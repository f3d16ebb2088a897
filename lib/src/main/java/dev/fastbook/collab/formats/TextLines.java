package dev.fastbook.collab.formats;

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

/**
 * The lines of a small MovieLens text file (movies, users: a few MB at most), numbered from 1,
 * with a leading UTF-8 byte-order mark dropped (an editor's, not data).
 *
 * <p>Text encoding, line by line: GroupLens wrote u.item and ml-1m's movies.dat in Latin-1, ml-10m's
 * movies.dat and the csv releases in UTF-8, and edited copies mix them. A line whose bytes are valid
 * UTF-8 and hold a multi-byte sequence is decoded as UTF-8; any other line as Latin-1. This is
 * unambiguous in practice: Latin-1 titles would have to contain pairs like "Ã©" to look like UTF-8,
 * and a lone Latin-1 letter such as é (0xE9) is never valid UTF-8. So "Misérables" is read right
 * from either encoding, and no line ever decodes to U+FFFD.
 */
public final class TextLines {

    /** The largest file read whole into memory. */
    static final long MAX_BYTES = 256L << 20;

    private TextLines() {}

    public record Line(int number, String text) {}

    /** The length of the UTF-8 byte-order mark at the start of {@code bytes}: 3, or 0 when there is none. */
    static int bomLength(byte[] bytes, int length) {
        return length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF ? 3 : 0;
    }

    /** The non-blank lines with their 1-based numbers; blank lines are fine at the end only. */
    public static List<Line> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataNotFoundException(file + " not found.");
        }
        byte[] bytes;
        try {
            // movies and users files are a few MB (ml-25m's movies.csv: 3 MB); a huge one is not one of them
            if (Files.size(file) > MAX_BYTES) {
                throw new MalformedDataException(
                        file,
                        1,
                        "the file holds " + Files.size(file) + " bytes, more than the "
                                + MAX_BYTES
                                + " a movies or users file of any MovieLens release comes near: check that the path"
                                + " names that file.");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        List<Line> lines = new ArrayList<>();
        int number = 0;
        int blanks = 0;
        int start = bomLength(bytes, bytes.length);
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

    /** The first line of a file (BOM dropped), reading only its first 64 KB: what a file without an extension holds. */
    public static String firstLine(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataNotFoundException(file + " not found.");
        }
        byte[] head;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        int start = bomLength(head, head.length);
        int end = start;
        while (end < head.length && head[end] != '\n' && head[end] != '\r') {
            end++;
        }
        return decode(head, start, end);
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
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }

    /** A field that must be a whole number that fits an int, or an error naming the file, line and field. */
    public static int intField(String field, String what, Path file, Line line) {
        String trimmed = field.trim();
        if (!trimmed.matches("[+-]?[0-9]+")) {
            throw new MalformedDataException(
                    file,
                    line.number(),
                    "the " + what + " field is not a whole number: " + quote(field) + " in " + quote(line.text()));
        }
        try {
            return Integer.parseInt(trimmed.startsWith("+") ? trimmed.substring(1) : trimmed);
        } catch (NumberFormatException e) {
            throw new MalformedDataException(
                    file,
                    line.number(),
                    what + " " + trimmed + " on line " + line.number()
                            + " is larger than the largest int (" + Integer.MAX_VALUE
                            + "), which is what ids are stored as: "
                            + quote(line.text()));
        }
    }

    /** A line or field as shown in an error: quoted, tabs visible, cut at 120 characters. */
    public static String quote(String text) {
        String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
        return "\"" + shown.replace("\t", "\\t") + "\"";
    }
}
