package dev.fastbook.collab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastbook.collab.implicit.Popularity;
import dev.fastbook.collab.recommend.RatedItems;
import dev.fastbook.collab.recommend.Scorer;
import dev.fastbook.collab.recommend.TopKSelection;
import org.junit.jupiter.api.Test;

class MetricsTest {

    // user 1: list [10, 20, 30], test {20, 40}: one hit at rank 2.
    // user 2: list [40, 50, 60], test {40}: one hit at rank 1.
    // user 3 has a list but no test items and user 4 test items but no list: neither counts.
    private static final int[][] LISTS = {null, {10, 20, 30}, {40, 50, 60}, {1, 2, 3}, null};
    private static final int[][] RELEVANT = {null, {20, 40}, {40}, {}, {7}};

    @Test
    void rankingMetricsByHand() {
        RankingMetrics m = RankingMetrics.of(LISTS, RELEVANT, 3);
        assertEquals(2, m.users());
        assertEquals((1 / 3.0 + 1 / 3.0) / 2, m.precision(), 1e-12);
        assertEquals((1 / 2.0 + 1.0) / 2, m.recall(), 1e-12);
        // user 1: dcg 1/ln 3 over idcg 1/ln 2 + 1/ln 3; user 2: 1
        double ndcg1 = (1 / Math.log(3)) / (1 / Math.log(2) + 1 / Math.log(3));
        assertEquals((ndcg1 + 1) / 2, m.ndcg(), 1e-12);
        assertEquals(0.6934264036, m.ndcg(), 1e-9);
        // user 1: (1 hit so far / rank 2) / min(2 test items, k 3) = 0.25; user 2: 1
        assertEquals((0.25 + 1) / 2, m.map(), 1e-12);
    }

    @Test
    void onlyTheFirstKCountAndPrecisionDividesByK() {
        int[][] lists = {null, {5, 6, 7, 8}};
        int[][] relevant = {null, {8, 6}};
        RankingMetrics at1 = RankingMetrics.of(lists, relevant, 1);
        assertEquals(0, at1.precision(), 0);
        assertEquals(0, at1.ndcg(), 0);
        RankingMetrics at10 = RankingMetrics.of(lists, relevant, 10);
        assertEquals(2 / 10.0, at10.precision(), 1e-12); // a short list is still divided by k
        assertEquals(1.0, at10.recall(), 1e-12);
        // hits at ranks 2 and 4: (1/2 + 2/4) / min(2, 10)
        assertEquals(0.5, at10.map(), 1e-12);
        double dcg = 1 / Math.log(3) + 1 / Math.log(5);
        double idcg = 1 / Math.log(2) + 1 / Math.log(3);
        assertEquals(dcg / idcg, at10.ndcg(), 1e-12);
    }

    @Test
    void aPerfectListScoresOne() {
        RankingMetrics m = RankingMetrics.of(new int[][] {{3, 1, 2}}, new int[][] {{1, 2, 3}}, 3);
        assertEquals(1, m.precision(), 1e-12);
        assertEquals(1, m.recall(), 1e-12);
        assertEquals(1, m.ndcg(), 1e-12);
        assertEquals(1, m.map(), 1e-12);
    }

    @Test
    void badInputSaysWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RankingMetrics.of(LISTS, RELEVANT, 0))
                .getMessage()
                .contains("k must be at least 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RankingMetrics.of(new int[2][], new int[3][], 5))
                .getMessage()
                .contains("2 lists for 3 users"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> RankingMetrics.of(new int[][] {{1}}, new int[][] {null}, 5))
                .getMessage()
                .contains("No user has both"));
    }

    @Test
    void coverageIsDistinctRecommendedOverTrainingItems() {
        assertEquals(9 / 20.0, RankingMetrics.coverage(LISTS, 20), 1e-12); // 10, 20, 30, 40, 50, 60, 1, 2, 3
    }

    @Test
    void ratingMetricsByHand() {
        RatingMetrics r = RatingMetrics.of(new float[] {1, 2, 3}, new float[] {2, 2, 5});
        assertEquals(Math.sqrt(5 / 3.0), r.rmse(), 1e-6);
        assertEquals(1.0, r.mae(), 1e-6);
        assertEquals(3, r.rows());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RatingMetrics.of(new float[2], new float[3]))
                .getMessage()
                .contains("2 predictions for 3 test ratings"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> RatingMetrics.of(new float[] {Float.NaN}, new float[] {3}))
                .getMessage()
                .contains("not a number"));
    }

    @Test
    void popularityCountsTrainingRows() {
        float[] s = Popularity.scores(new int[] {1, 2, 2, 3, 2, 1}, 5);
        assertArrayEquals(new float[] {0, 2, 3, 1, 0}, s);
        var lists = TopKSelection.of(
                Scorer.sameForEveryUser(s), RatedItems.of(2, 5, new int[] {1}, new int[] {2}), new int[] {1}, 2, 1);
        assertArrayEquals(new int[] {1, 3}, lists.items(0)); // item 2 was rated: then 1 (2 ratings) and 3 (1)

        assertTrue(assertThrows(IllegalArgumentException.class, () -> Popularity.scores(new int[] {5}, 5))
                .getMessage()
                .contains("outside 0..4"));
    }
}
