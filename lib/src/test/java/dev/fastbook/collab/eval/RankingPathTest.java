package dev.fastbook.collab.eval;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.Splitter;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.recommend.Recommendation;
import dev.fastbook.collab.recommend.Recommender;
import dev.fastbook.collab.train.CollabLearner;
import dev.fastbook.collab.train.Learner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** The evaluation ranks as the Recommender does: one selection, one exclusion, one scorer per model. */
class RankingPathTest {
    static Table train;
    static Table test;
    static CollabDataLoaders dls;
    static RankingTask task;

    @BeforeAll
    static void split() {
        Table ratings = Fixtures.synthetic(50, 30, 0.5, 7);
        Splitter.Split s = Splitter.byUser(ratings, "user", 0.25, 42);
        train = s.train(ratings);
        test = s.valid(ratings);
        dls = CollabDataLoaders.from(train).valid(test).seed(1).bs(32).build();
        task = RankingTask.of(dls);
    }

    /** A model without parameters whose scores all tie, or are NaN for odd items when asked. */
    static final class Flat extends Module {
        final boolean nanOnOdd;

        Flat(boolean nanOnOdd) {
            this.nanOnOdd = nanOnOdd;
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray items = x.get(":, 1").toType(DataType.FLOAT32, false);
            NDArray zero = items.mul(0f);
            return nanOnOdd
                    ? zero.add(items.mod(2f).neg().sqrt())
                    : zero; // sqrt(-1) is NaN on odd items, sqrt(-0) 0 elsewhere
        }
    }

    @Test
    void tiesGoToTheLowerItemIndexInTheRecommenderAndTheEvaluationAlike() {
        EmbeddingDotBias zeroed = EmbeddingDotBias.fromClasses(4, dls.users(), dls.items(), YRange.of(0, 5.5));
        for (NDArray a : zeroed.parameterArrays()) {
            Tensors.copyInto(a.zerosLike(), a); // every score ties
        }
        for (Module model : List.of(new Flat(false), zeroed)) {
            Recommender rec = Recommender.of(model, dls.users(), dls.items()).excludeRated(train);
            for (Object user : List.of(3, 17, 40)) {
                List<String> fromRecommender = rec.recommend(user, 8).stream()
                        .map(Recommendation::item)
                        .toList();
                assertEquals(
                        fromRecommender,
                        task.topK(user, task.scores(model), 8),
                        model.getClass().getSimpleName());
                assertEquals(firstUnrated(user, 8), fromRecommender, "all tie: the unrated items in vocabulary order");
            }
        }
    }

    /** NaN never ranks: the Recommender leaves such items out, the evaluation refuses a model that gives any. */
    @Test
    void nanScoresNeverRank() {
        Flat nan = new Flat(true);
        Recommender rec = Recommender.of(nan, dls.users(), dls.items()).excludeRated(train);
        var top = rec.topK(30);
        int listed = 0;
        for (Object user : List.of(3, 17, 40)) {
            for (Recommendation r : top.forUser(user)) {
                assertEquals(0, dls.items().indexOf(r.item()) % 2, r.item() + " scored NaN");
                listed++;
            }
        }
        assertTrue(listed > 0, "the even items still rank");
        var refused = assertThrows(IllegalArgumentException.class, () -> task.evaluate(nan, 10));
        assertTrue(refused.getMessage().contains("is NaN, which cannot be ranked"), refused.getMessage());
    }

    /**
     * The lists of a trained dot product match what the evaluation gave before the one path: the
     * forward pass's score of every pair, training items and #na# left out, best first with ties to
     * the lower index. The figures follow.
     */
    @Test
    void listsMatchAFullScoreMatrixRankedBySorting() {
        Tensors.seed(3);
        Learner<CollabDataLoaders, EmbeddingDotBias> learn = CollabLearner.collabLearner(dls, 5, YRange.of(0, 5.5));
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            learn.fitOneCycle(3, 2e-2, 0.01);
        } finally {
            System.setOut(out);
        }
        EmbeddingDotBias model = learn.model();
        int nUsers = dls.users().size();
        int nItems = dls.items().size();
        float[] all = forwardEveryPair(model, nUsers, nItems);
        int[][] lists = task.lists(task.scores(model), 10);
        int compared = 0;
        for (int u = 1; u < nUsers; u++) {
            if (lists[u] == null) {
                continue;
            }
            Set<Integer> rated = ratedInTraining(dls.users().get(u));
            List<Integer> candidates = new ArrayList<>();
            for (int i = 1; i < nItems; i++) {
                if (!rated.contains(i)) {
                    candidates.add(i);
                }
            }
            int row = u;
            candidates.sort((a, b) -> all[row * nItems + a] != all[row * nItems + b]
                    ? Float.compare(all[row * nItems + b], all[row * nItems + a])
                    : Integer.compare(a, b));
            int[] expected =
                    candidates.stream().limit(10).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, lists[u], "user " + dls.users().get(u));
            compared++;
        }
        assertTrue(compared > 40, compared + " users compared");
        RankingMetrics m = task.evaluate(model, 10);
        assertEquals(m.ndcg(), task.evaluate(task.scores(model), 10).ndcg(), 0);
    }

    private static float[] forwardEveryPair(Module model, int nUsers, int nItems) {
        long[] x = new long[nUsers * nItems * 2];
        for (int u = 0, p = 0; u < nUsers; u++) {
            for (int i = 0; i < nItems; i++) {
                x[p++] = u;
                x[p++] = i;
            }
        }
        model.eval();
        try {
            return Tensors.noGrad(() -> {
                try (NDManager m = Tensors.manager().newSubManager()) {
                    return model.forward(m.create(x, new Shape(nUsers * nItems, 2)))
                            .toFloatArray();
                }
            });
        } finally {
            model.train();
        }
    }

    private static Set<Integer> ratedInTraining(String user) {
        Set<Integer> out = new HashSet<>();
        for (int r = 0; r < train.rowCount(); r++) {
            if (String.valueOf(train.intColumn("user").get(r)).equals(user)) {
                out.add(dls.items().indexOf(train.stringColumn("title").get(r)));
            }
        }
        return out;
    }

    private static List<String> firstUnrated(Object user, int k) {
        Set<Integer> rated = ratedInTraining(String.valueOf(user));
        List<String> out = new ArrayList<>();
        for (int i = 1; i < dls.items().size() && out.size() < k; i++) {
            if (!rated.contains(i)) {
                out.add(dls.items().get(i));
            }
        }
        return out;
    }
}
