package dev.fastbook.collab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.recommend.Scorer;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class RankingTaskTest {

    private static Table ratings(int[] users, int[] movies) {
        int[] r = new int[users.length];
        java.util.Arrays.fill(r, 4);
        return Table.create(
                "r", IntColumn.create("user", users), IntColumn.create("movie", movies), IntColumn.create("rating", r));
    }

    @Test
    void popularityListsLeaveOutTrainingItemsAndUnseenTestItemsStillCount() {
        // training: user 1 rated 10 and 20, user 2 rated 10 and 30; test: user 1 rated 30 and 40 (a movie
        // training never saw), user 2 rated 20
        Table train = ratings(new int[] {1, 1, 2, 2}, new int[] {10, 20, 10, 30});
        Table test = ratings(new int[] {1, 1, 2}, new int[] {30, 40, 20});
        RankingTask task = RankingTask.of(
                CollabDataLoaders.from(train).valid(test).seed(1).bs(2).build());
        var pop = task.popularity();
        assertEquals(List.of("30"), task.topK(1, pop, 10)); // 10 and 20 were rated in training
        assertEquals(List.of("20"), task.topK(2, pop, 10));
        RankingMetrics m = task.evaluate(pop, 10);
        assertEquals(2, m.users());
        assertEquals(0.1, m.precision(), 1e-12);
        assertEquals((0.5 + 1) / 2, m.recall(), 1e-12); // user 1's unseen movie 40 counts in its total
        double ndcg1 = (1 / Math.log(2)) / (1 / Math.log(2) + 1 / Math.log(3));
        assertEquals((ndcg1 + 1) / 2, m.ndcg(), 1e-12);
        assertEquals(List.of("30"), task.relevant(1));
        assertEquals(2 / 3.0, task.coverage(pop, 10), 1e-12); // 30 and 20 of the 3 training movies
    }

    @Test
    void aNegativeOrHugeKAndNanScoresAreHandledBeforeTheSelection() {
        Table train = ratings(new int[] {1, 1, 2, 2}, new int[] {10, 20, 10, 30});
        Table test = ratings(new int[] {1, 1, 2}, new int[] {30, 40, 20});
        RankingTask task = RankingTask.of(
                CollabDataLoaders.from(train).valid(test).seed(1).bs(2).build());
        var pop = task.popularity();
        var negative = assertThrows(IllegalArgumentException.class, () -> task.evaluate(pop, -3));
        assertEquals(
                "k is how many items each list holds: at least 1, got -3 (e.g. evaluate(scores, 10)).",
                negative.getMessage());
        // a k past the catalogue: every list is the whole catalogue (less training items), no huge allocation
        RankingMetrics huge = task.evaluate(pop, Integer.MAX_VALUE);
        assertEquals(2, huge.users());
        assertEquals(List.of("30"), task.topK(1, pop, Integer.MAX_VALUE));

        // #na#, movies 10, 20 and 30: movie 30 is the one user 1 did not rate in training
        var nanScores = Scorer.sameForEveryUser(new float[] {0, 2, 1, Float.NaN});
        var nan = assertThrows(IllegalArgumentException.class, () -> task.evaluate(nanScores, 10));
        assertTrue(
                nan.getMessage().startsWith("The score of movie 30 for user 1 is NaN, which cannot be ranked"),
                nan.getMessage());
    }
}
