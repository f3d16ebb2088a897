package dev.fastbook.collab.recommend;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopKSelectionTest {

    @Test
    void selectKeepsTheLargestWithTiesToTheLowerIndex() {
        Random r = new Random(3);
        for (int k : new int[] {1, 5, 64, 65, 300}) {
            float[] row = new float[1000];
            for (int i = 0; i < row.length; i++) {
                row[i] = r.nextInt(50); // many ties
            }
            row[3] = Float.NEGATIVE_INFINITY; // masked
            row[4] = Float.NaN; // never chosen
            Integer[] order = new Integer[row.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> row[a] != row[b] ? Float.compare(row[b], row[a]) : Integer.compare(a, b));
            int[] best = new int[k + 2];
            float[] val = new float[k + 2];
            int[] nanAt = {-1};
            assertEquals(k, TopKSelection.select(row.clone(), k, best, val, 2, nanAt));
            assertEquals(4, nanAt[0], "the NaN is noted");
            int j = 0;
            for (Integer i : order) {
                if (i == 3 || i == 4) {
                    continue;
                }
                if (j == k) {
                    break;
                }
                assertEquals(i, best[2 + j], "k=" + k + " rank " + j);
                assertEquals(row[i], val[2 + j]);
                j++;
            }
        }
        float[] few = {Float.NEGATIVE_INFINITY, 2f, Float.NaN, 1f};
        int[] best = new int[100];
        assertEquals(
                2, TopKSelection.select(few, 100, best, new float[100], 0, new int[] {-1}), "fewer candidates than k");
        assertEquals(1, best[0]);
        assertEquals(3, best[1]);
    }

    /** Items 1..n-1 scored NaN on odd indices: a list never holds one, even when k asks for more than the rest. */
    @Test
    void nanScoresNeverEnterATopKList() {
        float[] scores = new float[11];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = i % 2 == 1 ? Float.NaN : 100 - i;
        }
        Scorer nanOnOdd = Scorer.sameForEveryUser(scores);
        RatedItems rated = RatedItems.of(3, 11, new int[] {2}, new int[] {4}); // user 2 rated item 4
        TopKSelection.Lists lists = TopKSelection.of(nanOnOdd, rated, new int[] {1, 2}, 10, 2);
        assertArrayEquals(new int[] {2, 4, 6, 8, 10}, lists.items(0), "NaN never ranks, -inf-masked #na# neither");
        assertArrayEquals(new int[] {2, 6, 8, 10}, lists.items(1), "and rated items are left out");
        assertEquals(10, lists.k(), "k capped at the 10 items after #na#");
        assertEquals(1, lists.firstNaN(), "row 0 (user 1), item 1: the first NaN met");
        var zero = assertThrows(
                IllegalArgumentException.class, () -> TopKSelection.of(nanOnOdd, rated, new int[] {1}, 0, 1));
        assertTrue(zero.getMessage().contains("at least 1, got 0"), zero.getMessage());
    }
}
