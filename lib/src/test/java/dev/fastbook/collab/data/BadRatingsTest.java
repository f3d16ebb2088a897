package dev.fastbook.collab.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.formats.MalformedDataException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** Ratings that would otherwise be silently wrong (issue 22): a wrong charset, repeated pairs. */
class BadRatingsTest {

    @Test
    void aLatin1CsvIsAnErrorNamingTheLineAndTheCharsetOptionNeverReplacementCharacters(@TempDir Path tmp)
            throws Exception {
        Path csv = tmp.resolve("ratings.csv");
        StringBuilder text = new StringBuilder("user,title,rating\n");
        for (int u = 1; u <= 6; u++) {
            text.append(u)
                    .append(",Misérables,4\n")
                    .append(u)
                    .append(",Misèrables,2\n")
                    .append(u)
                    .append(",Plain,3\n");
        }
        Files.write(csv, text.toString().getBytes(StandardCharsets.ISO_8859_1));
        var e = assertThrows(MalformedDataException.class, () -> CollabDataLoaders.fromCsv(csv));
        assertEquals(2, e.line(), e.getMessage());
        System.out.println("[BadRatingsTest] " + e.getMessage());
        assertTrue(
                e.getMessage().contains("ratings.csv, line 2: the bytes are not UTF-8 text (1,Mis")
                        && e.getMessage().contains("fromCsv(path, StandardCharsets.ISO_8859_1)"),
                e.getMessage());

        var dls = CollabDataLoaders.fromCsv(csv, StandardCharsets.ISO_8859_1)
                .validPct(0.2)
                .seed(1)
                .bs(2)
                .build();
        assertTrue(
                dls.items().contains("Misérables") && dls.items().contains("Misèrables"),
                dls.items().toString());
        assertFalse(dls.items().stream().anyMatch(s -> s.contains("\uFFFD")));
    }

    private static Table ratings() {
        return Table.create(
                "ratings",
                IntColumn.create("user", 1, 1, 2, 2, 3, 1, 3, 4),
                IntColumn.create("item", 10, 11, 10, 10, 12, 10, 11, 12),
                DoubleColumn.create("rating", 4, 3, 5, 1, 2, 4, 3, 5));
    }

    private static String printed(Supplier<?> action) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            action.get();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void repeatedPairsAreReportedOnceAndKeptAveragedOrRefused() {
        String kept =
                printed(() -> CollabDataLoaders.from(ratings()).seed(1).bs(2).build());
        String line =
                "CollabDataLoaders: 2 rows of ratings rate a (user, item) pair already rated (2 pairs, 1 of them with"
                        + " different ratings), e.g. rows 2 and 3: user 2, item 10,"
                        + " ratings 5 and 1; all kept, as fastai does";
        assertTrue(kept.contains(line), kept);
        assertEquals(1, kept.split("rate a \\(user, item\\) pair", -1).length - 1, "reported once: " + kept);

        var refused = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(ratings())
                        .duplicates(Duplicates.REFUSE)
                        .seed(1)
                        .bs(2)
                        .build());
        assertTrue(
                refused.getMessage().contains("2 rows of ratings rate a (user, item) pair already rated")
                        && refused.getMessage().contains("Remove the repeats, or choose duplicates(Duplicates.KEEP)"),
                refused.getMessage());

        CollabDataLoaders[] avg = new CollabDataLoaders[1];
        String averaged = printed(() -> avg[0] = CollabDataLoaders.from(ratings())
                .duplicates(Duplicates.AVERAGE)
                .validPct(0.2)
                .seed(1)
                .bs(2)
                .build());
        assertTrue(averaged.contains("each pair averaged into one row"), averaged);
        assertEquals(6, avg[0].trainSize() + avg[0].validSize(), "one row per pair");
    }

    @Test
    void aShortFirstRowIsBlamedOnItsOwnLine(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("ratings.csv");
        Files.writeString(csv, "userId,movieId,rating,timestamp\n1,2\n1,3,4.0,964982703\n");
        var e = assertThrows(MalformedDataException.class, () -> CollabDataLoaders.fromCsv(csv));
        assertEquals(2, e.line(), e.getMessage());
        assertTrue(
                e.getMessage()
                        .endsWith(
                                "ratings.csv, line 2: this row has 2 comma-separated fields but the header line has 4:"
                                        + " \"1,2\". Complete or remove the row (a truncated copy?)."),
                e.getMessage());
        // a quoted title with a comma is one field
        Files.writeString(csv, "userId,title,rating\n1,\"Misérables, Les (1995)\",4\n2,\"Net, The\",3\n2,Heat\n");
        e = assertThrows(MalformedDataException.class, () -> CollabDataLoaders.fromCsv(csv));
        assertEquals(4, e.line(), e.getMessage());
    }
}
