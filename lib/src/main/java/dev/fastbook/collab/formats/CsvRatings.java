package dev.fastbook.collab.formats;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/** A ratings CSV with a header line, read by Tablesaw; a UTF-8 byte-order mark is skipped. */
public final class CsvRatings {
    private CsvRatings() {}

    public static Table read(Path csv, Charset charset) {
        // decoded strictly: a byte the charset has no character for is an error, never U+FFFD merging two titles
        CharsetDecoder strict = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(csv));
                Reader reader = new InputStreamReader(skipBom(in), strict)) {
            // every row decides the types (not a sample), so a late wide id cannot break the parse
            Table t = Table.read()
                    .usingOptions(CsvReadOptions.builder(reader)
                            .header(true)
                            .sample(false)
                            .tableName(csv.getFileName().toString()));
            checkHeader(t, csv);
            return t;
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(
                    "No file " + csv.toAbsolutePath() + ": fromCsv needs a CSV file of ratings.", e);
        } catch (CharacterCodingException e) {
            throw notDecodable(csv, charset);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + csv.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (causedByCoding(e)) {
                throw notDecodable(csv, charset);
            }
            MalformedDataException width = CsvWidths.firstMismatch(csv, charset);
            if (width != null) {
                throw width;
            }
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException(
                    "Could not read " + csv.toAbsolutePath() + " as CSV: " + e.getMessage(), e);
        }
    }

    private static boolean causedByCoding(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException) {
                return true;
            }
        }
        return false;
    }

    /** Names the first line the charset cannot decode, found by a second, streaming pass. */
    private static MalformedDataException notDecodable(Path csv, Charset charset) {
        CharsetDecoder strict = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int line = 1;
        java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(csv))) {
            for (int b; (b = in.read()) != -1 || current.size() > 0; ) {
                if (b != -1 && b != '\n') {
                    current.write(b);
                    continue;
                }
                byte[] bytes = current.toByteArray();
                try {
                    strict.decode(java.nio.ByteBuffer.wrap(bytes));
                } catch (CharacterCodingException bad) {
                    return new MalformedDataException(
                            csv.toAbsolutePath(),
                            line,
                            "the bytes are not " + charset.name()
                                    + " text (" + shown(bytes) + "). fromCsv reads "
                                    + charset.name()
                                    + "; give the file's charset, e.g. fromCsv(path, StandardCharsets.ISO_8859_1)"
                                    + " for Latin-1 (MovieLens' older files), or save the file as UTF-8.");
                }
                current.reset();
                line++;
                if (b == -1) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + csv.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return new MalformedDataException(
                csv.toAbsolutePath(),
                1,
                "the file is not " + charset.name()
                        + " text; give its charset, e.g. fromCsv(path, StandardCharsets.ISO_8859_1).");
    }

    private static String shown(byte[] line) {
        String text = new String(line, StandardCharsets.ISO_8859_1).strip();
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    // A UTF-8 byte-order mark (EF BB BF) is not part of the first column's name.
    static InputStream skipBom(InputStream in) throws IOException {
        in.mark(3);
        byte[] head = in.readNBytes(3);
        if (!(head.length == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF)) {
            in.reset();
        }
        return in;
    }

    // A header of numbers is a first rating taken for names: refuse rather than lose it.
    private static void checkHeader(Table t, Path csv) {
        if (t.columnCount() == 0) {
            throw new IllegalArgumentException(
                    csv.toAbsolutePath() + " is empty: fromCsv needs a header line and ratings.");
        }
        for (String name : t.columnNames()) {
            if (!name.strip().matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?")) {
                return;
            }
        }
        throw new IllegalArgumentException(
                "The first line of " + csv.toAbsolutePath() + " (" + String.join(",", t.columnNames())
                        + ") holds numbers, not column names: fromCsv needs a header line such as userId,movieId,rating."
                        + " Add one, or read the file with Tablesaw's CsvReadOptions.header(false) and pass the table to from(...).");
    }
}
