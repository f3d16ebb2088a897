package dev.fastbook.collab.interpret;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The chapter's interpretation: biases ranked, PCA of the factors, nearest items by cosine. */
class InterpretTest {

    @Test
    void argsortSkipsNaAndOrdersScores() {
        float[] s = {100f, 0.5f, -2f, 3f, 1f};
        List<String> labels = List.of("#na#", "a", "b", "c", "d");
        assertEquals(List.of("b", "a"), Argsort.lowest(s, labels, 2));
        assertEquals(List.of("c", "d"), Argsort.highest(s, labels, 2));
        assertArrayEquals(new int[] {2, 1, 4, 3, 0}, Argsort.argsort(s));
        // names without #na# (e.g. scores from itemBias(names)) keep their first entry
        assertEquals(List.of("x", "z"), Argsort.highest(new float[] {9f, 1f, 3f}, List.of("x", "y", "z"), 2));
        assertEquals(List.of("y"), Argsort.lowest(new float[] {9f, 1f, 3f}, List.of("x", "y", "z"), 1));
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
}
