package dev.fastbook.collab.movielens;

import static dev.fastbook.collab.Fixtures.printed;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.Splitter;
import dev.fastbook.collab.data.TabDataLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Issue 13's loaders: a given validation or test table, the split by user, extra columns in the batch. */
class GivenSplitsAndExtrasTest {
    private static List<long[]> xRows(TabDataLoader dl) {
        List<long[]> out = new ArrayList<>();
        for (Batch b : dl) {
            try (b) {
                long[] x = b.x().toLongArray();
                int w = (int) b.x().getShape().get(1);
                for (int k = 0; k < b.size(); k++) {
                    out.add(java.util.Arrays.copyOfRange(x, k * w, (k + 1) * w));
                }
            }
        }
        return out;
    }

    private static Table table(int[] users, String[] titles, double[] ratings) {
        return Table.create(
                "r",
                IntColumn.create("user", users),
                StringColumn.create("title", titles),
                DoubleColumn.create("rating", ratings));
    }

    @Test
    void aGivenValidationTableIsCodedWithTheTrainingVocabulariesAndUnseenRowsAreNa() {
        Table train = table(new int[] {1, 1, 2, 2, 3, 3}, new String[] {"a", "b", "a", "c", "b", "c"}, new double[] {
            1, 2, 3, 4, 5, 1
        });
        // user 9 and title "z" were never trained on; the row (9, "z") counts once
        Table test = table(new int[] {1, 9, 2, 9}, new String[] {"z", "a", "c", "z"}, new double[] {2, 3, 4, 5});
        String[] holder = new String[1];
        String out = printed(() -> holder[0] =
                CollabDataLoaders.from(train).valid(test).bs(2).build().toString());
        assertTrue(
                out.contains("CollabDataLoaders: 3 of 4 validation rows have a user or item not seen in training;"
                        + " they are coded #na# (index 0)"),
                out);
        CollabDataLoaders[] same = new CollabDataLoaders[1];
        assertEquals(
                "",
                printed(() -> same[0] =
                        CollabDataLoaders.from(train).valid(test).bs(2).build()),
                "the same split says it once per JVM");
        var dls = same[0];
        assertEquals(6, dls.trainSize());
        assertEquals(4, dls.validSize());
        assertEquals(3, dls.naRows());
        assertEquals(List.of("#na#", "1", "2", "3"), dls.users());
        assertEquals(List.of("#na#", "a", "b", "c"), dls.items(), "titles from the training table only");
        List<long[]> rows = xRows(dls.valid());
        assertArrayEquals(new long[] {1, 0}, rows.get(0));
        assertArrayEquals(new long[] {0, 1}, rows.get(1));
        assertArrayEquals(new long[] {2, 3}, rows.get(2));
        assertArrayEquals(new long[] {0, 0}, rows.get(3));
        assertTrue(holder[0].contains("valid 4 rows (3 with #na#)"), holder[0]);
        assertTrue(dls.valid().toString().contains("3 with #na#"), dls.valid().toString());
        assertArrayEquals(new double[] {1, 5}, dls.ratingRange());

        // test_dl: the same coding on a table given after building, in order
        TabDataLoader tdl = dls.testDl(test);
        assertEquals(3, tdl.naRows());
        List<long[]> again = xRows(tdl);
        for (int i = 0; i < rows.size(); i++) {
            assertArrayEquals(rows.get(i), again.get(i));
        }
        assertFalse(tdl.shuffle() || tdl.dropLast());

        // the given table needs the training table's columns, and one way to validate
        Table noRating = Table.create("t", IntColumn.create("user", 1), StringColumn.create("title", "a"));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(train).valid(noRating).bs(2).build());
        assertTrue(
                e.getMessage().contains("No column 'rating'") && e.getMessage().contains("training table's columns"),
                e.getMessage());
        var twice = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(train)
                        .valid(test)
                        .validFold(0, 5)
                        .bs(2)
                        .build());
        assertTrue(twice.getMessage().contains("Choose one way to validate"), twice.getMessage());
    }

    private static Table u(java.nio.file.Path dir, String file) throws java.io.IOException {
        IntColumn user = IntColumn.create("user"), movie = IntColumn.create("movie");
        DoubleColumn rating = DoubleColumn.create("rating");
        for (String line : java.nio.file.Files.readAllLines(dir.resolve(file))) {
            String[] f = line.split("\t");
            user.append(Integer.parseInt(f[0]));
            movie.append(Integer.parseInt(f[1]));
            rating.append(Double.parseDouble(f[2]));
        }
        return Table.create(file, user, movie, rating);
    }

    @Test
    void movieLensU1TestHas32RowsWithAMovieU1BaseLacks() throws java.io.IOException {
        java.nio.file.Path dir = RealData.ml100k();
        Table base = u(dir, "u1.base"), test = u(dir, "u1.test");
        var dls = CollabDataLoaders.from(base).valid(test).bs(64).build();
        assertEquals(80000, dls.trainSize());
        assertEquals(20000, dls.validSize());
        assertEquals(32, dls.naRows());
        assertEquals(32, dls.testDl(test).naRows());
    }

    @Test
    void theSplitByUserKeepsEachUsersShareAsRecommendersDoes() {
        Table t = Fixtures.synthetic(60, 40, 0.3, 11);
        var dls = CollabDataLoaders.from(t).validPctByUser(0.25).bs(8).seed(42).build();
        Splitter.Split s = Splitter.byUser(t, "user", 0.25, 42);
        assertEquals(s.train().length, dls.trainSize());
        assertEquals(s.valid().length, dls.validSize());
        assertEquals(t.rowCount(), s.train().length + s.valid().length);
        Set<Integer> all = new HashSet<>();
        for (int r : s.train()) assertTrue(all.add(r));
        for (int r : s.valid()) assertTrue(all.add(r));
        assertEquals(t.rowCount(), all.size(), "every row once");
        // per user: rank / count <= 0.75 trains, so floor(0.75 * c) rows (c = 4 gives 3)
        Map<Integer, Integer> count = new HashMap<>(), trained = new HashMap<>();
        IntColumn users = t.intColumn("user");
        for (int r = 0; r < t.rowCount(); r++) count.merge(users.getInt(r), 1, Integer::sum);
        for (int r : s.train()) trained.merge(users.getInt(r), 1, Integer::sum);
        for (var e : count.entrySet()) {
            assertEquals(
                    (int) Math.floor(0.75 * e.getValue() + 1e-9),
                    trained.getOrDefault(e.getKey(), 0),
                    "user " + e.getKey());
        }
        // seeded: the same seed, the same rows; another seed, others
        assertArrayEquals(s.valid(), Splitter.byUser(t, "user", 0.25, 42).valid());
        assertFalse(java.util.Arrays.equals(
                s.valid(), Splitter.byUser(t, "user", 0.25, 43).valid()));
        // as tables
        assertEquals(s.valid().length, s.valid(t).rowCount());
        // a user with one rating validates with it (1/1 > 0.75), as in Recommenders
        Table one =
                table(new int[] {1, 1, 1, 1, 2}, new String[] {"a", "b", "c", "d", "a"}, new double[] {1, 2, 3, 4, 5});
        Splitter.Split s1 = Splitter.byUser(one, "user", 0.25, 1);
        assertEquals(3, s1.train().length);
        assertTrue(java.util.Arrays.stream(s1.valid()).anyMatch(r -> r == 4));
        assertThrows(
                IllegalArgumentException.class, () -> CollabDataLoaders.from(t).validPctByUser(1.5));
    }

    @Test
    void extraColumnsRideInTheBatchAndShowInShowBatchAndClasses() {
        Table t = Fixtures.synthetic(40, 30, 0.5, 3);
        int n = t.rowCount();
        StringColumn gender = StringColumn.create("gender");
        DoubleColumn age = DoubleColumn.create("age");
        IntColumn occupation = IntColumn.create("occupation");
        for (int r = 0; r < n; r++) {
            int u = t.intColumn("user").getInt(r);
            gender.append(u % 2 == 0 ? "F" : "M");
            age.append(18 + u);
            occupation.append(u % 5);
        }
        t.addColumns(gender, age, occupation);
        var dls = CollabDataLoaders.from(t)
                .catNames("gender", "occupation")
                .contNames("age")
                .bs(16)
                .seed(5)
                .build();
        assertEquals(
                List.of("user", "title", "gender", "occupation"),
                List.copyOf(dls.classes().keySet()));
        assertEquals(List.of("#na#", "F", "M"), dls.classes().get("gender"));
        assertEquals(List.of("gender", "occupation"), dls.catNames());
        assertEquals(List.of("age"), dls.contNames());
        double mean = 0, sq = 0;
        int rows = 0;
        for (Batch b : dls.train()) {
            try (b) {
                assertArrayEquals(new long[] {16, 4}, b.x().getShape().getShape());
                assertArrayEquals(new long[] {16, 1}, b.xCont().getShape().getShape());
                long[] x = b.x().toLongArray();
                float[] c = b.xCont().toFloatArray();
                for (int k = 0; k < 16; k++) {
                    int user = Integer.parseInt(dls.users().get((int) x[4 * k]));
                    assertEquals(
                            user % 2 == 0 ? "F" : "M",
                            dls.classes().get("gender").get((int) x[4 * k + 2]));
                    assertEquals(
                            Integer.toString(user % 5),
                            dls.classes().get("occupation").get((int) x[4 * k + 3]));
                    mean += c[k];
                    sq += c[k] * c[k];
                    rows++;
                }
            }
        }
        mean /= rows;
        assertEquals(0, mean, 0.05, "normalised with the training rows' mean");
        assertEquals(1, Math.sqrt(sq / rows - mean * mean), 0.05);
        Table shown = dls.showBatch(5);
        assertEquals(List.of("user", "title", "gender", "occupation", "age", "rating"), shown.columnNames());
        for (int r = 0; r < 5; r++) {
            int user = Integer.parseInt(shown.stringColumn("user").get(r));
            assertEquals(18 + user, shown.doubleColumn("age").get(r), 1e-3, "age shown as it was, not normalised");
            assertEquals(user % 2 == 0 ? "F" : "M", shown.stringColumn("gender").get(r));
        }
        assertTrue(dls.toString().contains("gender: 3") && dls.toString().contains("age (continuous)"), dls.toString());
        // without extras a batch is as before: x [bs, 2], no xCont
        try (Batch b = CollabDataLoaders.from(t).bs(16).seed(5).build().oneBatch()) {
            assertArrayEquals(new long[] {16, 2}, b.x().getShape().getShape());
            assertNull(b.xCont());
        }
        // a continuous column of text, or a missing value, is a clear error
        var text = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(t).contNames("gender").bs(16).build());
        assertTrue(text.getMessage().contains("catNames"), text.getMessage());
        age.setMissing(3);
        var miss = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(t)
                        .contNames("age")
                        .bs(16)
                        .seed(1)
                        .validPct(0.01)
                        .build());
        assertTrue(
                miss.getMessage().contains("missing value at row 3")
                        || miss.getMessage().contains("row 3"),
                miss.getMessage());
        var both = assertThrows(
                IllegalArgumentException.class,
                () -> CollabDataLoaders.from(t)
                        .userName("user")
                        .catNames("user")
                        .build());
        assertTrue(both.getMessage().contains("name it once"), both.getMessage());
    }

    @Test
    void theChaptersModelsTrainOnBatchesWithExtraColumns() {
        Table t = Fixtures.synthetic(30, 20, 0.6, 8);
        StringColumn g = StringColumn.create("gender");
        IntColumn occ = IntColumn.create("occupation");
        for (int r = 0; r < t.rowCount(); r++) {
            g.append(t.intColumn("user").getInt(r) % 2 == 0 ? "F" : "M");
            occ.append(t.intColumn("user").getInt(r) % 3);
        }
        t.addColumns(
                g,
                occ,
                DoubleColumn.create(
                        "age", java.util.stream.IntStream.range(0, t.rowCount()).mapToDouble(i -> i % 50)));
        var dls = CollabDataLoaders.from(t)
                .catNames("gender", "occupation")
                .contNames("age")
                .bs(16)
                .seed(2)
                .build();
        var dot = dev.fastbook.collab.train.CollabLearner.collabLearner(
                        dls, 5, dev.fastbook.collab.model.YRange.of(0, 5.5))
                .quiet();
        dot.fit(1, 1e-2);
        assertTrue(Double.isFinite(dot.validate()));
        try (Batch b = dls.valid().oneBatch()) {
            float[] withExtras = dot.model().forward(b.x()).toFloatArray();
            float[] userItem = dot.model().forward(b.x().get(":, 0:2")).toFloatArray();
            assertArrayEquals(userItem, withExtras, "the dot product reads user and item only");
        }
        var nn = dev.fastbook.collab.train.CollabLearner.collabLearnerNn(
                        dls, new int[] {8}, dev.fastbook.collab.model.YRange.of(0, 5.5))
                .quiet();
        nn.fit(1, 1e-2);
        assertTrue(Double.isFinite(nn.validate()));
        // an EmbeddingNN with an embedding for the first extra column too reads it (fastai's tabular idea)
        var embs = new ArrayList<>(dev.fastbook.collab.train.CollabLearner.getEmbSz(dls));
        embs.add(dev.fastbook.collab.model.EmbSz.of(dls.classes().get("gender").size()));
        var side = dev.fastbook.collab.train.CollabLearner.collabLearnerNn(
                        dls, embs, new int[] {8}, dev.fastbook.collab.model.YRange.of(0, 5.5))
                .quiet();
        side.fit(1, 1e-2);
        assertTrue(Double.isFinite(side.validate()));
    }

    @Test
    void extraColumnsOfAGivenTableUseTheTrainingVocabAndStats() {
        Table train = table(new int[] {1, 2, 3, 4}, new String[] {"a", "b", "a", "b"}, new double[] {1, 2, 3, 4});
        train.addColumns(StringColumn.create("genre", "x", "y", "x", "y"), DoubleColumn.create("age", 10, 20, 30, 40));
        Table test = table(new int[] {1, 2}, new String[] {"a", "b"}, new double[] {5, 5});
        test.addColumns(StringColumn.create("genre", "x", "new"), DoubleColumn.create("age", 25, 35));
        var dls = CollabDataLoaders.from(train)
                .valid(test)
                .catNames("genre")
                .contNames("age")
                .bs(2)
                .build();
        try (Batch b = dls.valid().oneBatch()) {
            assertArrayEquals(new long[] {1, 1, 1, 2, 2, 0}, b.x().toLongArray(), "an unseen genre is #na#");
            double std = Math.sqrt(125) + 1e-7; // population deviation of 10, 20, 30, 40
            float[] c = b.xCont().toFloatArray();
            assertEquals(0, c[0], 1e-6);
            assertEquals((35 - 25) / std, c[1], 1e-6);
        }
        assertEquals(0, dls.naRows(), "an unseen extra category does not make a row #na#");
    }
}
