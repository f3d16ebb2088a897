package dev.fastbook.collab.data;

import static dev.fastbook.collab.Fixtures.printed;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/** Issue 14's "data from anywhere, never silently wrong": which column is which, and fromCsv. */
class ColumnRolesTest {
    // [ts, cust, prod, score]: distinct timestamps first, as in the issue
    private static Table tsCustProdScore(int n) {
        Random r = new Random(1);
        long[] ts = new long[n];
        int[] cust = new int[n], prod = new int[n];
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 1_600_000_000L + i * 7L;
            cust[i] = 1 + r.nextInt(50);
            prod[i] = 1 + r.nextInt(80);
            score[i] = 1 + r.nextInt(5);
        }
        return Table.create(
                "sales",
                LongColumn.create("ts", ts),
                IntColumn.create("cust", cust),
                IntColumn.create("prod", prod),
                DoubleColumn.create("score", score));
    }

    @Test
    void timestampsAreNotTakenForUsers() {
        Table t = tsCustProdScore(5000);
        var e = assertThrows(
                IllegalArgumentException.class, () -> CollabDataLoaders.from(t).build());
        String m = e.getMessage();
        assertTrue(m.contains("column 'ts' cannot be the users") && m.contains("its name says it is a time"), m);
        assertTrue(m.contains(".userName(\"cust\").itemName(\"prod\").ratingName(\"score\")"), m);
        // the same column under a neutral name: refused for being almost all distinct
        Table renamed = t.copy();
        renamed.column("ts").setName("k");
        var d = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(renamed).build());
        assertTrue(
                d.getMessage().contains("column 'k' cannot be the users")
                        && d.getMessage().contains("almost all distinct")
                        && d.getMessage().contains("4,000 in 4,000 training rows"),
                d.getMessage());
        assertTrue(
                d.getMessage().contains(".userName(\"cust\").itemName(\"prod\").ratingName(\"score\")"),
                d.getMessage());
        // following the advice works, and says nothing since nothing was guessed
        String out = printed(() -> CollabDataLoaders.from(t)
                .userName("cust")
                .itemName("prod")
                .ratingName("score")
                .build());
        assertEquals("", withoutRepeats(out));
        // a caller's names are kept even for such a column
        assertEquals(
                "k",
                CollabDataLoaders.from(renamed)
                        .userName("k")
                        .itemName("prod")
                        .ratingName("score")
                        .build()
                        .userName());
    }

    @Test
    void fastaisRuleIsPrintedInOneLine() {
        Table t = tsCustProdScore(300).removeColumns("ts");
        t.column("score").setName("stars_given");
        String[] names = new String[3];
        String out = printed(() -> {
            var dls = CollabDataLoaders.from(t).bs(8).build();
            names[0] = dls.userName();
            names[1] = dls.itemName();
            names[2] = dls.ratingName();
        });
        assertArrayEquals(new String[] {"cust", "prod", "stars_given"}, names);
        assertEquals(
                "CollabDataLoaders: user=cust, item=prod, rating=stars_given (fastai's rule: first, second, third column;"
                        + " name them with userName/itemName/ratingName)" + System.lineSeparator(),
                withoutRepeats(out));
        // found by name: nothing printed
        Table named = Table.create(
                "r",
                DoubleColumn.create("rating", 1, 2, 3, 4, 5),
                IntColumn.create("movieId", 1, 2, 1, 2, 1),
                IntColumn.create("userId", 1, 1, 2, 2, 3));
        String quiet = printed(() -> {
            var dls = CollabDataLoaders.from(named).bs(1).build();
            assertEquals(
                    List.of("userId", "movieId", "rating"), List.of(dls.userName(), dls.itemName(), dls.ratingName()));
        });
        assertEquals("", quiet);
    }

    @Test
    void floatingPointIdsAreRefusedWhenGuessedAndNegativeIdsAreCategories() {
        Table t = Table.create(
                "r",
                DoubleColumn.create("a", 1.5, 2.5, 3.5, 1.5, 2.5),
                IntColumn.create("b", 1, 2, 3, 4, 5),
                IntColumn.create("c", 1, 2, 1, 2, 1),
                DoubleColumn.create("d", 1, 2, 3, 4, 5));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(t).bs(1).build());
        assertTrue(e.getMessage().contains("'a' cannot be the users: it holds floating-point numbers"), e.getMessage());
        assertTrue(e.getMessage().contains(".userName(\"b\").itemName(\"c\").ratingName(\"d\")"), e.getMessage());

        Table neg = Table.create(
                "r",
                IntColumn.create("user", -3, -1, 0, -3, -1, 0),
                IntColumn.create("item", -7, -7, 2, 2, -7, 2),
                DoubleColumn.create("rating", 1, 2, 3, 4, 5, 1));
        var dls = CollabDataLoaders.from(neg).validPct(0.5).bs(1).seed(0).build();
        assertEquals("#na#", dls.items().get(0));
        assertTrue(
                dls.items().contains("-7") && dls.items().contains("2"),
                dls.items().toString());
        for (String u : dls.users().subList(1, dls.users().size())) {
            assertTrue(List.of("-3", "-1", "0").contains(u), u);
        }
    }

    @Test
    void fromCsvReadsHeadersByNameAndSkipsAByteOrderMark(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("ratings.csv");
        StringBuilder b = new StringBuilder("\uFEFFmovieId,userId,rating,timestamp\n");
        Random r = new Random(2);
        for (int i = 0; i < 200; i++) {
            b.append(1 + r.nextInt(30))
                    .append(',')
                    .append(1 + r.nextInt(20))
                    .append(',')
                    .append(0.5 * (1 + r.nextInt(10)))
                    .append(',')
                    .append(964982703 + i)
                    .append('\n');
        }
        Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
        String out = printed(() -> {
            var dls = CollabDataLoaders.fromCsv(csv).bs(8).seed(1).build();
            assertEquals("userId", dls.userName(), "the byte-order mark is not part of the first name");
            assertEquals("movieId", dls.itemName());
            assertEquals("rating", dls.ratingName());
            assertEquals(200, dls.trainSize() + dls.validSize());
        });
        assertEquals("", withoutRepeats(out));

        Path headerless = dir.resolve("plain.csv");
        Files.writeString(headerless, "\uFEFF1,31,2.5,1260759144\n1,1029,3.0,1260759179\n", StandardCharsets.UTF_8);
        var e = assertThrows(IllegalArgumentException.class, () -> CollabDataLoaders.fromCsv(headerless));
        assertTrue(
                e.getMessage().contains("holds numbers, not column names")
                        && e.getMessage().contains("1,31,2.5,1260759144"),
                e.getMessage());
        var missing = assertThrows(
                java.io.UncheckedIOException.class, () -> CollabDataLoaders.fromCsv(dir.resolve("nope.csv")));
        assertTrue(missing.getMessage().contains("nope.csv"), missing.getMessage());
    }

    // These fixtures repeat (user, item) pairs at random; that report is BadRatingsTest's, not the roles'.
    private static String withoutRepeats(String out) {
        return out.lines()
                .filter(l -> !l.contains("pair already rated"))
                .map(l -> l + System.lineSeparator())
                .collect(java.util.stream.Collectors.joining());
    }
}
