package dev.fastbook.collab.recommend;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.CollabLearner;
import dev.fastbook.collab.train.Learner;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class RecommenderTest {
    static Table ratings;
    static Learner<CollabDataLoaders, EmbeddingDotBias> learn;

    @BeforeAll
    static void train() {
        ratings = Fixtures.synthetic(60, 40, 0.5, 3);
        Tensors.seed(0);
        var dls = CollabDataLoaders.from(ratings).bs(32).seed(1).build();
        learn = CollabLearner.collabLearner(dls, 6, YRange.of(0, 5.5));
        PrintStream out = System.out;
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            learn.fitOneCycle(3, 2e-2, 0.01);
        } finally {
            System.setOut(out);
        }
    }

    @Test
    void topKMatchesABruteForceRankingAndSkipsRatedItems() {
        Recommender rec = Recommender.of(learn).excludeRated(ratings);
        var top = rec.topK(5);
        assertEquals(60, top.users());
        var m = learn.model();
        var items = learn.dls().items();
        for (String user : List.of("1", "17", "60")) {
            List<String> seen = rec.seen(user);
            assertFalse(seen.isEmpty(), "the fixture rates about half of the titles");
            var recs = top.forUser(user);
            assertEquals(5, recs.size());
            for (var r : recs) {
                assertFalse(seen.contains(r.item()), user + " already rated " + r.item());
            }
            // brute force over all unseen items, from the weights looked up by name
            float[] u = m.userWeight(List.of(user))[0];
            float ub = m.userBias(List.of(user))[0];
            List<String> unseen = new java.util.ArrayList<>();
            List<Double> scores = new java.util.ArrayList<>();
            for (int i = 1; i < items.size(); i++) {
                if (seen.contains(items.get(i))) continue;
                float[] f = m.itemWeight(List.of(items.get(i)))[0];
                double s = ub + m.itemBias(List.of(items.get(i)))[0];
                for (int k = 0; k < f.length; k++) s += u[k] * f[k];
                unseen.add(items.get(i));
                scores.add(s);
            }
            Integer[] order = new Integer[unseen.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            java.util.Arrays.sort(order, (a, b) -> Double.compare(scores.get(b), scores.get(a)));
            for (int j = 0; j < 5; j++) {
                assertEquals(unseen.get(order[j]), recs.get(j).item(), "rank " + (j + 1) + " for user " + user);
                assertEquals(
                        m.yRange().squash(scores.get(order[j])), recs.get(j).predicted(), 1e-5);
            }
            assertTrue(recs.get(0).predicted() >= recs.get(4).predicted());
            assertTrue(recs.get(0).predicted() > 0 && recs.get(0).predicted() < 5.5);
        }
    }

    @Test
    void topKChecksKAndCapsItAtTheCatalogue() {
        Recommender rec = Recommender.of(learn).excludeRated(ratings);
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            var e = assertThrows(IllegalArgumentException.class, () -> rec.topK(bad));
            assertTrue(e.getMessage().contains("at least 1, got " + bad), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> rec.recommend("1", bad));
        }
        var all = rec.topK(Integer.MAX_VALUE);
        assertEquals(40, all.k(), "capped at the 40 titles");
        for (String user : List.of("1", "33")) {
            assertEquals(40 - rec.seen(user).size(), all.forUser(user).size(), "every unrated title, once");
            assertEquals(
                    40 - rec.seen(user).size(),
                    all.forUser(user).stream()
                            .map(Recommendation::item)
                            .distinct()
                            .count());
        }
    }

    @Test
    void blocksAndThreadsDoNotChangeTheAnswer() {
        Recommender rec = Recommender.of(learn).excludeRated(ratings);
        var whole = rec.topK(7).toTable();
        int saved = FactorScorer.maxBlockUsers;
        try {
            FactorScorer.maxBlockUsers = 7; // 9 blocks shared by the worker threads
            var blocks = rec.topK(7).toTable();
            assertEquals(whole.rowCount(), blocks.rowCount());
            assertEquals(whole.toString(), blocks.toString());
            assertEquals(
                    whole.stringColumn("title").asList(),
                    blocks.stringColumn("title").asList());
        } finally {
            FactorScorer.maxBlockUsers = saved;
        }
        // one user's list is the same either way (to rounding: BLAS sums one row and a block in different orders)
        var fromAll = rec.topK(4).forUser("23");
        var one = rec.recommend("23", 4);
        assertEquals(
                fromAll.stream().map(Recommendation::item).toList(),
                one.stream().map(Recommendation::item).toList());
        for (int j = 0; j < 4; j++) {
            assertEquals(fromAll.get(j).predicted(), one.get(j).predicted(), 1e-5);
        }
    }

    @Test
    void ratedItemsAreStoredSortedOnceEach() {
        RatedItems r = RatedItems.none(4).plus(new int[] {2, 1, 2, 2, 3}, new int[] {9, 4, 1, 9, 0}, 5);
        assertArrayEquals(new int[] {1, 9}, r.itemsOf(2));
        assertArrayEquals(new int[] {4}, r.itemsOf(1));
        assertEquals(4, r.pairs(), "the repeated (2, 9) is kept once");
        r = r.plus(new int[] {2, 0}, new int[] {5, 7}, 1); // only the first pair counts
        assertArrayEquals(new int[] {1, 5, 9}, r.itemsOf(2));
        assertArrayEquals(new int[] {}, r.itemsOf(0));
        assertTrue(r.contains(2, 5) && !r.contains(2, 6) && r.contains(3, 0));
        float[] row = new float[10];
        r.mask(2, row, -1f);
        assertArrayEquals(new float[] {0, -1, 0, 0, 0, -1, 0, 0, 0, -1}, row);
    }

    @Test
    void excludeRatedFromIndicesMatchesTheTable() {
        var m = learn.model();
        var fromTable = Recommender.of(m).excludeRated(ratings);
        int n = ratings.rowCount();
        int[] u = new int[n];
        int[] it = new int[n];
        for (int r = 0; r < n; r++) {
            u[r] = m.userClasses().indexOf(ratings.intColumn("user").get(r));
            it[r] = m.itemClasses().indexOf(ratings.stringColumn("title").get(r));
        }
        var fromIndices = Recommender.of(m).excludeRated(u, it);
        assertEquals(fromTable.seen("5"), fromIndices.seen("5"));
        assertEquals(
                fromTable.topK(3).toTable().toString(),
                fromIndices.topK(3).toTable().toString());
        var e = assertThrows(
                IllegalArgumentException.class, () -> Recommender.of(m).excludeRated(new int[] {1}, new int[] {999}));
        assertTrue(e.getMessage().contains("outside the vocabularies"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Recommender.of(m).excludeRated(new int[] {1}, new int[0]));
        var noColumn = assertThrows(
                IllegalArgumentException.class,
                () -> Recommender.of(m).excludeRated(ratings.selectColumns("user", "rating")));
        assertTrue(noColumn.getMessage().contains("no column 'title'"), noColumn.getMessage());
    }

    @Test
    void predictGivesTheModelsForwardPassAndNamesUnknownIds() {
        Recommender rec = Recommender.of(learn);
        var m = learn.model();
        double p = rec.predict("7", "Movie 3");
        float[] forward =
                dev.fastbook.collab.core.Tensors.noGrad(() -> m.forward(dev.fastbook.collab.core.Tensors.manager()
                                .create(
                                        new long[] {
                                            m.userClasses().indexOf("7"),
                                            m.itemClasses().indexOf("Movie 3")
                                        },
                                        new ai.djl.ndarray.types.Shape(1, 2)))
                        .toFloatArray());
        assertEquals(forward[0], p, 0);
        var pairs = ratings.first(25);
        var out = rec.predict(pairs);
        assertEquals(pairs.columnCount() + 1, out.columnCount());
        assertEquals(pairs.columnCount(), ratings.first(25).columnCount(), "the input table is left alone");
        for (int r = 0; r < 25; r += 6) {
            assertEquals(
                    rec.predict(
                            pairs.intColumn("user").get(r),
                            pairs.stringColumn("title").get(r)),
                    out.doubleColumn("predicted").get(r),
                    1e-6);
        }
        // an error names the row and suggests the close title
        var bad = ratings.first(3);
        bad.stringColumn("title").set(2, "movie  3");
        var e = assertThrows(IllegalArgumentException.class, () -> rec.predict(bad));
        assertTrue(e.getMessage().startsWith("Row 2 of"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'Movie 3'"), e.getMessage());
        assertFalse(e.getMessage().contains("validation set"), "titles come from the whole table: " + e.getMessage());
        var eu = assertThrows(IllegalArgumentException.class, () -> rec.predict("6100", "Movie 3"));
        assertTrue(
                eu.getMessage().contains("not in the user vocabulary")
                        && eu.getMessage().contains("validation set"),
                eu.getMessage());
    }

    @Test
    void aNewUserGetsRecommendationsOutsideWhatTheyRated() {
        Recommender rec = Recommender.of(learn);
        Map<String, Double> mine = Map.of("Movie 1", 5.0, "Movie 2", 1.0, "Movie 3", 4.0);
        var recs = rec.forNewUser(mine, 4);
        assertEquals(4, recs.size());
        for (var r : recs) {
            assertFalse(mine.containsKey(r.item()));
        }
        assertTrue(recs.get(0).predicted() >= recs.get(3).predicted());
        assertEquals(37, rec.forNewUser(mine, 1000).size(), "k capped at the 37 titles left");
    }

    @Test
    void aNewUsersRatingsAreChecked() {
        Recommender rec = Recommender.of(learn);
        assertTrue(message(() -> rec.forNewUser(Map.of(), 3)).contains("at least one rating"));
        assertTrue(message(() -> rec.forNewUser(null, 3)).contains("map of title to rating"));
        assertTrue(message(() -> rec.forNewUser(Map.of("Movie 1", Double.NaN), 3))
                .contains("'Movie 1' is rated NaN"));
        assertTrue(message(() -> rec.forNewUser(Map.of("Movie 1", Double.POSITIVE_INFINITY), 3))
                .contains("rated Infinity"));
        var withNull = new java.util.HashMap<String, Double>();
        withNull.put("Movie 1", null);
        assertTrue(message(() -> rec.forNewUser(withNull, 3)).contains("'Movie 1' is rated null"));
        var nullKey = new java.util.HashMap<String, Double>();
        nullKey.put(null, 4.0);
        assertTrue(message(() -> rec.forNewUser(nullKey, 3)).contains("null key"));
        String outside = message(() -> rec.forNewUser(Map.of("Movie 1", 7.0), 3));
        assertTrue(outside.contains("outside the model's y range (0.0, 5.5)"), outside);
        assertTrue(message(() -> rec.forNewUser(Map.of("Movie 1", -0.5), 3)).contains("outside"));
        assertTrue(message(() -> rec.forNewUser(Map.of("Movie 1", 4.0), 0)).contains("at least 1, got 0"));
        assertTrue(message(() -> rec.forNewUser(Map.of("Movie 1", 4.0), -1)).contains("at least 1, got -1"));
        String unknown = message(() -> rec.forNewUser(Map.of("movie 12 ", 4.0), 3));
        assertTrue(
                unknown.startsWith("'movie 12 ' is not in the title vocabulary (40 values); did you mean 'Movie 12'"),
                unknown);
        assertFalse(unknown.contains("validation"), unknown);
    }

    private static String message(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void newUserFitsGradientMatchesFiniteDifferences() {
        Factors fx = Factors.of(learn.model());
        int[] items = {2, 5, 11, 30};
        double[] target = {5, 1, 3.5, 4};
        java.util.Random r = new java.util.Random(11);
        for (YRange range : java.util.Arrays.asList(YRange.of(0, 5.5), null)) {
            double[] w = new double[fx.f + 1];
            for (int j = 0; j < w.length; j++) {
                w[j] = r.nextGaussian() * 0.5;
            }
            double[] g = NewUserFit.gradient(w, items, target, fx, range, 0.05);
            for (int j = 0; j < w.length; j++) {
                double h = 1e-6;
                double[] plus = w.clone();
                double[] minus = w.clone();
                plus[j] += h;
                minus[j] -= h;
                double numeric = (NewUserFit.loss(plus, items, target, fx, range, 0.05)
                                - NewUserFit.loss(minus, items, target, fx, range, 0.05))
                        / (2 * h);
                assertEquals(
                        numeric,
                        g[j],
                        1e-6 * Math.max(1, Math.abs(numeric)),
                        "d loss / d w[" + j + "], range " + range);
            }
        }
        // and the fit lowers the loss it differentiates
        double[] w = ColdStart.averageUser(fx);
        double before = NewUserFit.loss(w, items, target, fx, YRange.of(0, 5.5), 0.01);
        NewUserFit.fit(w, items, target, fx, YRange.of(0, 5.5), 200, 0.05, 0.01);
        assertTrue(NewUserFit.loss(w, items, target, fx, YRange.of(0, 5.5), 0.01) < before / 4, "the fit converges");
    }

    @Test
    void recommenderAndTopKPrintReadably() {
        Recommender rec = Recommender.of(learn).excludeRated(ratings);
        String s = rec.toString();
        assertTrue(
                s.startsWith("Recommender(EmbeddingDotBias: 6 factors, 60 users x 40 titles, y range (0.0, 5.5); "), s);
        int pairs = learn.dls().users().subList(1, 61).stream()
                .mapToInt(u -> rec.seen(u).size())
                .sum();
        assertTrue(pairs > 1000, "about half of 60 x 40");
        assertTrue(s.endsWith(String.format(java.util.Locale.ROOT, "; %,d rated pairs excluded)", pairs)), s);
        var top = rec.topK(5);
        String t = top.toString();
        assertTrue(t.startsWith("TopK: the 5 best title for each of 60 users"), t);
        List<String> lines = t.lines().toList();
        assertEquals(5, lines.size(), t);
        assertTrue(
                lines.get(1).startsWith("  user 1: " + top.forUser("1").get(0).item() + " ("), t);
        assertTrue(lines.get(1).endsWith(", ... 2 more"), t);
        assertTrue(lines.get(4).contains("57 more users"), t);
        var bundle = top.mimeBundle();
        assertTrue(bundle.get("text/html").contains("<table"), "still a table in a notebook");
        assertTrue(
                bundle.get("text/html")
                        .contains("<caption>the best 5 of 5 titles for the first 3 of 60 users"
                                + " (head(n) or toTable() for all 300 rows)</caption>"),
                bundle.get("text/html"));
        assertEquals(1 + 15, bundle.get("text/html").split("<tr>").length - 1, "a header and 3 x 5 rows, none elided");
        assertEquals(t, bundle.get("text/plain"));
        assertEquals(15, top.head(3).rowCount());
        assertEquals(300, top.toTable().rowCount());
        assertEquals("4.500  Movie 2", new Recommendation("Movie 2", 4.5).toString());
    }
}
