package dev.fastbook.collab.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.model.EmbSz;
import dev.fastbook.collab.movielens.MovieLens;
import dev.fastbook.collab.movielens.RealData;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class CollabDataLoadersTest {
    @Test
    void movieLensVocabulariesAndSplitMatchFastai() {
        var ml100k = MovieLens.load(RealData.ml100k());
        Table ratings = ml100k.ratings().joinOn("movie").with(ml100k.movies()).join();
        var dls = CollabDataLoaders.from(ratings)
                .itemName("title")
                .bs(64)
                .seed(42)
                .build();
        assertEquals(944, dls.users().size());
        assertEquals(1665, dls.items().size());
        assertEquals("#na#", dls.items().get(0));
        assertEquals(80000, dls.trainSize());
        assertEquals(20000, dls.validSize());
        assertEquals(1250, dls.train().size());
        assertEquals(313, dls.valid().size());
        assertEquals(
                List.of(new EmbSz(944, 74), new EmbSz(1665, 102)),
                dev.fastbook.collab.train.CollabLearner.getEmbSz(dls));
        assertEquals(List.of("user", "title"), List.copyOf(dls.classes().keySet()));
        try (Batch b = dls.oneBatch()) {
            assertArrayEquals(new long[] {64, 2}, b.x().getShape().getShape());
            assertArrayEquals(new long[] {64, 1}, b.y().getShape().getShape());
        }
        Table shown = dls.showBatch();
        assertEquals(10, shown.rowCount());
        assertEquals(List.of("user", "title", "rating"), shown.columnNames());
    }

    @Test
    void vocabularyIsSortedWithNaFirstAndUnknownsMapToZero() {
        Table t = Table.create(
                "r",
                IntColumn.create("user", 10, 2, 10, 1),
                StringColumn.create("title", "b", "a", "c", "b"),
                DoubleColumn.create("rating", 1, 2, 3, 4));
        var dls = CollabDataLoaders.from(t).validPct(0.25).bs(1).seed(0).build();
        assertEquals("#na#", dls.items().get(0));
        assertEquals(List.of("#na#", "a", "b", "c"), dls.items());
        assertEquals(0, dls.items().indexOf("zzz"));
        // users are numbers: sorted numerically, from the training rows only
        List<String> users = dls.users();
        assertEquals("#na#", users.get(0));
        for (int i = 2; i < users.size(); i++) {
            assertTrue(Integer.parseInt(users.get(i - 1)) < Integer.parseInt(users.get(i)));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> dls.items().require("zzz"));
        assertTrue(e.getMessage().contains("not in the title vocabulary"), e.getMessage());
        // users come from the training rows only: that lookup says a user may be only in the validation set
        var eu = assertThrows(IllegalArgumentException.class, () -> dls.users().requireFromTraining("999"));
        assertTrue(eu.getMessage().contains("only in the validation set"), eu.getMessage());
    }

    @Test
    void badInputGetsClearErrors() {
        Table empty = Table.create(
                "r", IntColumn.create("user"), StringColumn.create("title"), DoubleColumn.create("rating"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> CollabDataLoaders.from(empty).build())
                .getMessage()
                .contains("empty"));

        Table nan = Table.create(
                "r",
                IntColumn.create("user", 1, 2),
                StringColumn.create("title", "a", "b"),
                DoubleColumn.create("rating", 1, Double.NaN));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(nan).bs(1).build());
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());

        DoubleColumn missing = DoubleColumn.create("rating", 1, 2);
        missing.setMissing(0);
        Table miss = Table.create("r", IntColumn.create("user", 1, 2), StringColumn.create("title", "a", "b"), missing);
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> CollabDataLoaders.from(miss).bs(1).build())
                .getMessage()
                .contains("missing"));

        Table small = Fixtures.synthetic(5, 5, 1.0, 1);
        var big = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(small).bs(64).build());
        assertTrue(big.getMessage().contains("Batch size 64"), big.getMessage());

        var col = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(small).itemName("movie").build());
        assertTrue(col.getMessage().contains("No column 'movie'"), col.getMessage());
    }

    // ---- loaders as iterables --------------------------------------------------------------

    private static List<long[]> rowsOf(TabDataLoader dl) {
        List<long[]> rows = new ArrayList<>();
        for (Batch b : dl) {
            try (b) {
                long[] x = b.x().toLongArray();
                float[] y = b.y().toFloatArray();
                for (int k = 0; k < y.length; k++) {
                    rows.add(new long[] {x[2 * k], x[2 * k + 1], Float.floatToIntBits(y[k])});
                }
            }
        }
        return rows;
    }

    private static Set<List<Long>> asSet(List<long[]> rows) {
        Set<List<Long>> out = new HashSet<>();
        for (long[] r : rows) {
            out.add(List.of(r[0], r[1], r[2]));
        }
        return out;
    }

    @Test
    void trainLoaderReshufflesEachIterationAndDropsTheLastPartialBatch() {
        Table t = Fixtures.synthetic(30, 20, 0.5, 5);
        var dls = CollabDataLoaders.from(t).bs(16).seed(7).build();
        TabDataLoader train = dls.train();
        assertTrue(train.shuffle() && train.dropLast());
        assertEquals(dls.trainSize() / 16, train.size());
        List<long[]> first = rowsOf(train);
        List<long[]> second = rowsOf(train);
        assertEquals(train.size() * 16, first.size());
        assertEquals(first.size(), second.size());
        // a new order each epoch, each row at most once per epoch
        assertNotEquals(
                first.stream().map(r -> r[1]).toList(),
                second.stream().map(r -> r[1]).toList());
        assertEquals(first.size(), asSet(first).size());
        // the same seed gives the same orders
        var again = CollabDataLoaders.from(t).bs(16).seed(7).build();
        List<long[]> replay = rowsOf(again.train());
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), replay.get(i));
        }
        // a view with another batch size shares the generator: no batch is lost to drop-last at bs 1
        TabDataLoader ones = train.withBs(1);
        assertEquals(dls.trainSize(), ones.size());
        assertEquals(dls.trainSize(), asSet(rowsOf(ones)).size());
    }

    @Test
    void validLoaderKeepsEveryRowInOrderAndChunksOnRequest() {
        Table t = Fixtures.synthetic(30, 20, 0.5, 5);
        var dls = CollabDataLoaders.from(t).bs(16).seed(7).build();
        TabDataLoader valid = dls.valid();
        assertFalse(valid.shuffle() || valid.dropLast());
        assertEquals((dls.validSize() + 15) / 16, valid.size());
        List<long[]> rows = rowsOf(valid);
        assertEquals(dls.validSize(), rows.size());
        List<long[]> chunked = rowsOf(valid.withBs(4096));
        assertEquals(1, valid.withBs(4096).size());
        for (int i = 0; i < rows.size(); i++) {
            assertArrayEquals(rows.get(i), chunked.get(i));
        }
        assertEquals(rows.size(), asSet(rowsOf(valid)).size());
        // train and valid rows together are the table's rows
        assertEquals(t.rowCount(), dls.trainSize() + dls.validSize());
    }

    @Test
    void aBatchOwnsItsArraysAndOnlyTheNewestIterationMayGoOn() {
        var dls = CollabDataLoaders.from(Fixtures.synthetic(30, 20, 0.5, 5))
                .bs(16)
                .seed(7)
                .build();
        Batch b = dls.oneBatch();
        assertFalse(b.x().isReleased());
        b.close();
        assertTrue(b.x().isReleased() && b.y().isReleased());

        Iterator<Batch> old = dls.train().iterator();
        old.next().close();
        Iterator<Batch> newer = dls.train().iterator();
        assertThrows(ConcurrentModificationException.class, old::next);
        newer.next().close();
        // validation iterations are independent
        Iterator<Batch> v1 = dls.valid().iterator(), v2 = dls.valid().iterator();
        v1.next().close();
        v2.next().close();
        v1.next().close();
    }

    // ---- columns by name ------------------------------------------------------------------

    @Test
    void aTableWithoutARatingColumnIsAnErrorNotTimestamps() {
        // MovieLens without its rating column: by position the third column is the timestamp
        Table t = Table.create(
                "ratings",
                IntColumn.create("user", 1, 2, 3, 4, 5, 6),
                IntColumn.create("movie", 1, 2, 1, 2, 1, 2),
                IntColumn.create("timestamp", 881250949, 891717742, 878887116, 880606923, 886397596, 884182806));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(t).bs(1).build());
        assertTrue(
                e.getMessage().contains("No rating column")
                        && e.getMessage().contains("[user (integer), movie (integer), timestamp (integer)]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("ratingName("), e.getMessage());

        Table text = Table.create(
                "r",
                IntColumn.create("user", 1, 2, 3, 4, 5),
                IntColumn.create("movie", 1, 2, 3, 4, 5),
                StringColumn.create("rating", "good", "bad", "good", "ok", "bad"));
        var t2 = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(text).bs(1).build());
        assertTrue(t2.getMessage().contains("'rating'") && t2.getMessage().contains("not numbers"), t2.getMessage());
        var t3 = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(text)
                        .ratingName("user")
                        .userName("user")
                        .bs(1)
                        .build());
        assertTrue(t3.getMessage().contains("cannot be both"), t3.getMessage());
    }

    @Test
    void columnsAreFoundByNameWhateverTheirOrder() {
        Table ordered = Fixtures.synthetic(20, 10, 0.8, 3);
        Table shuffled = Table.create(
                "r",
                ordered.column("rating"),
                ordered.column("title"),
                ordered.column("user"),
                IntColumn.create("timestamp", new int[ordered.rowCount()]));
        var a = CollabDataLoaders.from(ordered).bs(8).seed(1).build();
        var b = CollabDataLoaders.from(shuffled).bs(8).seed(1).build();
        assertEquals("user", b.userName());
        assertEquals("title", b.itemName());
        assertEquals("rating", b.ratingName());
        assertEquals(a.users(), b.users());
        assertEquals(a.items(), b.items());
        // a three-column table with other names keeps fastai's positional default
        Table plain = Table.create(
                "r",
                IntColumn.create("u", 1, 2, 3, 4, 5),
                IntColumn.create("i", 1, 1, 2, 2, 3),
                FloatColumn.create("r", new float[] {1, 2, 3, 4, 5}));
        var p = CollabDataLoaders.from(plain).bs(1).build();
        assertEquals(List.of("u", "i", "r"), List.of(p.userName(), p.itemName(), p.ratingName()));
    }

    @Test
    void noValidationRowsIsAnErrorThatSaysWhy() {
        Table one = Table.create(
                "r",
                IntColumn.create("user", 1),
                IntColumn.create("movie", 1),
                DoubleColumn.create("rating", new double[] {4}));
        var e1 = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(one).bs(1).build());
        assertTrue(
                e1.getMessage().startsWith("No validation rows: 1 row with validPct 0.2 gives int(0.2 * 1) = 0"),
                e1.getMessage());
        Table five = Fixtures.synthetic(5, 1, 1.0, 1);
        var e5 = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(five).validPct(0.1).bs(1).build());
        assertTrue(
                e5.getMessage().contains("5 rows with validPct 0.1")
                        && e5.getMessage().contains("at least 10 rows")
                        && e5.getMessage().contains("validPct 0.2 or more"),
                e5.getMessage());
        // following the advice works
        assertEquals(1, CollabDataLoaders.from(five).validPct(0.2).bs(1).build().validSize());
    }

    // ---- the int paths -------------------------------------------------------------------

    @Test
    void denseSparseAndLongIdsEncodeAlike() {
        java.util.Random r = new java.util.Random(4);
        int n = 3000;
        int[] u = new int[n], it = new int[n];
        long[] bigU = new long[n];
        int[] sparseU = new int[n];
        float[] y = new float[n];
        for (int k = 0; k < n; k++) {
            u[k] = 1 + r.nextInt(200);
            it[k] = 1 + r.nextInt(50);
            sparseU[k] = u[k] * 10_000_019 - 1_000_000_000; // a range too wide for the dense table
            bigU[k] = u[k] + (1L << 40); // too large for an int: the general path
            y[k] = 1 + r.nextInt(5);
        }
        var dense = CollabDataLoaders.from(Table.create(
                        "r",
                        IntColumn.create("user", u),
                        IntColumn.create("movie", it),
                        FloatColumn.create("rating", y)))
                .bs(32)
                .seed(9)
                .build();
        var sparse = CollabDataLoaders.from(Table.create(
                        "r",
                        IntColumn.create("user", sparseU),
                        IntColumn.create("movie", it),
                        FloatColumn.create("rating", y)))
                .bs(32)
                .seed(9)
                .build();
        var big = CollabDataLoaders.from(Table.create(
                        "r",
                        LongColumn.create("user", bigU),
                        IntColumn.create("movie", it),
                        FloatColumn.create("rating", y)))
                .bs(32)
                .seed(9)
                .build();
        assertEquals(dense.users().size(), sparse.users().size());
        assertEquals(dense.users().size(), big.users().size());
        for (int i = 1; i < dense.users().size(); i++) {
            int id = Integer.parseInt(dense.users().get(i));
            assertEquals(
                    id * 10_000_019 - 1_000_000_000,
                    Integer.parseInt(sparse.users().get(i)));
            assertEquals(id + (1L << 40), Long.parseLong(big.users().get(i)));
            assertEquals(i, sparse.users().indexOfInt(id * 10_000_019 - 1_000_000_000));
            assertEquals(i, dense.users().indexOf(id));
        }
        assertEquals("1099511627777", big.users().get(1));
        List<long[]> a = rowsOf(dense.valid()), b = rowsOf(sparse.valid()), c = rowsOf(big.valid());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i));
            assertArrayEquals(a.get(i), c.get(i));
        }
    }

    @Test
    void intVocabularyMatchesTheGeneralOne() {
        int[] ids = {3, 17, 250, 4000};
        Vocab fast = Vocab.ofInts("user", ids);
        Vocab general = Vocab.of("user", List.of(4000, 3, 250, 17, 3));
        assertEquals(general, fast);
        assertEquals(2, fast.indexOfInt(17));
        assertEquals(0, fast.indexOfInt(18));
        assertEquals(4, fast.indexOf("4000"));
        assertThrows(IllegalArgumentException.class, () -> Vocab.ofInts("user", new int[] {2, 2}));
    }

    @Test
    void kFoldValidationSetsPartitionTheRows() {
        // the rating is the row number, so the validation ratings say which rows each fold holds out
        int n = 103;
        int[] users = new int[n], items = new int[n];
        double[] rating = new double[n];
        for (int r = 0; r < n; r++) {
            users[r] = r % 7;
            items[r] = r % 11;
            rating[r] = r;
        }
        Table t = Table.create(
                "r",
                IntColumn.create("user", users),
                IntColumn.create("movie", items),
                DoubleColumn.create("rating", rating));
        Set<Integer> seen = new HashSet<>();
        for (int fold = 0; fold < 5; fold++) {
            var dls = CollabDataLoaders.from(t).bs(8).seed(3).validFold(fold, 5).build();
            assertTrue(
                    dls.validSize() == 20 || dls.validSize() == 21, "fold sizes are n/5 rounded: " + dls.validSize());
            assertEquals(n, dls.validSize() + dls.trainSize());
            for (Batch b : dls.valid()) {
                try (b) {
                    for (float r : b.y().toFloatArray()) {
                        assertTrue(seen.add((int) r), "row " + r + " held out by two folds");
                    }
                }
            }
        }
        assertEquals(n, seen.size(), "every row is held out by exactly one fold");
        assertThrows(
                IllegalArgumentException.class, () -> CollabDataLoaders.from(t).validFold(5, 5));
        assertThrows(
                IllegalArgumentException.class, () -> CollabDataLoaders.from(t).validFold(0, 1));
    }
}
