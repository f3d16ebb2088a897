package dev.fastbook.collab.formats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the first CSV record whose number of fields differs from the header's, counting commas
 * outside double quotes (a quoted title may hold commas and line breaks). Tablesaw blames such a
 * row on the record after it, so this names the right line when a read fails.
 */
final class CsvWidths {
    private CsvWidths() {}

    /** The first record of another width than the header, as an error naming its line; null when all agree. */
    static MalformedDataException firstMismatch(Path csv, Charset charset) {
        try (BufferedReader in = Files.newBufferedReader(csv, charset)) {
            int headerFields = -1;
            int line = 0;
            int recordLine = 1;
            int fields = 1;
            boolean quoted = false;
            StringBuilder record = new StringBuilder();
            for (String text; (text = in.readLine()) != null; ) {
                line++;
                if (!quoted) {
                    recordLine = line;
                    fields = 1;
                    record.setLength(0);
                }
                record.append(text);
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c == '"') {
                        quoted = !quoted;
                    } else if (c == ',' && !quoted) {
                        fields++;
                    }
                }
                if (quoted || text.isBlank()) {
                    continue; // the record goes on on the next line; blank lines Tablesaw skips
                }
                if (headerFields < 0) {
                    headerFields = fields;
                } else if (fields != headerFields) {
                    String shown = record.length() > 80 ? record.substring(0, 80) + "..." : record.toString();
                    return new MalformedDataException(
                            csv.toAbsolutePath(),
                            recordLine,
                            "this row has " + fields
                                    + " comma-separated fields but the header line has " + headerFields + ": \"" + shown
                                    + "\". Complete or remove the row (a truncated copy?).");
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + csv.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }
}
