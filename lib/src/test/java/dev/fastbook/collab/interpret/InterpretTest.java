package dev.fastbook.collab.interpret;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.CollabLearner;
import dev.fastbook.collab.train.Learner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class InterpretTest {
    static Table ratings;
    static Learner<EmbeddingDotBias> learn;

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
    void rankingsSkipNaAndOrderScores() {
        float[] s = {100f, 0.5f, -2f, 3f, 1f};
        List<String> labels = List.of("#na#", "a", "b", "c", "d");
        assertEquals(List.of("b", "a"), Rankings.lowest(s, labels, 2));
        assertEquals(List.of("c", "d"), Rankings.highest(s, labels, 2));
        assertArrayEquals(new int[] {2, 1, 4, 3, 0}, Rankings.argsort(s));
    }

    @Test
    void pcaFindsTheDirectionOfMostVariance() {
        float[][] x = new float[50][3];
        for (int i = 0; i < 50; i++) {
            float t = i - 25;
            x[i] = new float[] {2 * t, t, 0.01f * (i % 3)};
        }
        double[][] p = Pca.pca(x, 2);
        assertEquals(50, p.length);
        assertEquals(2, p[0].length);
        // the first component carries (almost) all of the spread; the second nearly none
        double var0 = 0, var1 = 0;
        for (double[] row : p) {
            var0 += row[0] * row[0];
            var1 += row[1] * row[1];
        }
        assertTrue(var1 / var0 < 1e-4, var0 + " vs " + var1);
        assertEquals(Math.abs(p[49][0] - p[0][0]), Math.sqrt(5) * 49, 1e-3);
        assertThrows(IllegalArgumentException.class, () -> Pca.pca(x, 4));
    }

    @Test
    void cosineNearestExcludesItself() {
        float[][] m = {{0, 0}, {1, 0}, {0.9f, 0.1f}, {0, 1}, {-1, 0}};
        List<String> labels = List.of("#na#", "a", "b", "c", "d");
        assertEquals(1.0f, Similarity.cosine(m, 1)[1], 1e-6);
        assertEquals(List.of("b"), Similarity.nearest(m, labels, "a", 1));
        assertEquals(List.of("b", "c"), Similarity.nearest(m, labels, "a", 2));
        var e = assertThrows(IllegalArgumentException.class, () -> Similarity.nearest(m, labels, "zz", 1));
        assertTrue(e.getMessage().contains("spelling"));
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
            var recs = top.forUser(user);
            assertEquals(5, recs.size());
            for (var r : recs) {
                assertFalse(seen.contains(r.item()), user + " already rated " + r.item());
            }
            // brute force over all unseen items with the model's own forward pass
            float[] u = m.weight(List.of(user), false)[0];
            float ub = m.bias(List.of(user), false)[0];
            double best = Double.NEGATIVE_INFINITY;
            String bestItem = null;
            for (int i = 1; i < items.size(); i++) {
                if (seen.contains(items.get(i))) continue;
                float[] f = m.weight(List.of(items.get(i)), true)[0];
                double s = ub + m.bias(List.of(items.get(i)), true)[0];
                for (int k = 0; k < f.length; k++) s += u[k] * f[k];
                if (s > best) { best = s; bestItem = items.get(i); }
            }
            assertEquals(bestItem, recs.get(0).item());
            assertTrue(recs.get(0).predicted() >= recs.get(4).predicted());
            assertTrue(recs.get(0).predicted() > 0 && recs.get(0).predicted() < 5.5);
        }
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
        assertThrows(IllegalArgumentException.class, () -> rec.forNewUser(Map.of(), 3));
        assertThrows(IllegalArgumentException.class, () -> rec.forNewUser(Map.of("Nope", 3.0), 3));
    }

    @Test
    void savedRecommenderLoadsAndAgrees(@TempDir Path dir) throws IOException {
        Recommender rec = Recommender.of(learn).excludeRated(ratings);
        Path saved = dir.resolve("recommender");
        rec.save(saved);
        rec.save(saved); // replacing an existing save works too
        try (var files = Files.list(dir)) {
            assertEquals(List.of(saved), files.toList(), "no temporary folders left");
        }
        Recommender back = Recommender.load(saved).excludeRated(ratings);
        assertEquals(rec.topK(3).forUser("7"), back.topK(3).forUser("7"));
        var e = assertThrows(IOException.class, () -> Recommender.load(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("model.properties"), e.getMessage());
    }
}
