package dev.fastbook.collab.train;

import static dev.fastbook.collab.train.LearnerTest.captureStdout;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.DataLoader;
import dev.fastbook.collab.data.DataLoaders;
import dev.fastbook.collab.model.Embedding;
import dev.fastbook.collab.model.Module;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The loop assumes nothing of the batch: here x is [bs, 3] (user, liked item, sampled item), y a
 * dummy, the model returns score differences and the loss is pairwise (BPR's shape), on a
 * DataLoaders that is not CollabDataLoaders.
 */
class AnyDataLoadersTest {
    private static final int USERS = 60, ITEMS = 40;

    /** (user, liked item) pairs; each batch draws a random other item per row. */
    record Triples(int[] user, int[] liked, int bs, Random random, boolean dropLast) implements DataLoader {
        @Override
        public int size() {
            return dropLast ? n() / bs : (n() + bs - 1) / bs;
        }

        @Override
        public int n() {
            return user.length;
        }

        @Override
        public DataLoader withBs(int b) {
            return new Triples(user, liked, b, random, dropLast);
        }

        @Override
        public Iterator<Batch> iterator() {
            return new Iterator<>() {
                int next;

                @Override
                public boolean hasNext() {
                    return next < size();
                }

                @Override
                public Batch next() {
                    int from = next++ * bs, len = Math.min(bs, n() - from);
                    long[] x = new long[3 * len];
                    for (int k = 0; k < len; k++) {
                        x[3 * k] = user[from + k];
                        x[3 * k + 1] = liked[from + k];
                        x[3 * k + 2] = random.nextInt(ITEMS);
                    }
                    NDManager m = Tensors.manager().newSubManager();
                    return new Batch(m.create(LongBuffer.wrap(x), new Shape(len, 3)), m.zeros(new Shape(len, 1)), m);
                }
            };
        }
    }

    record Pairs(DataLoader train, DataLoader valid) implements DataLoaders {}

    /** Users like the items whose hidden factor has their sign: a structure a dot product can learn. */
    private static Pairs pairs() {
        Random r = new Random(5);
        double[] u = r.doubles(USERS, -1, 1).toArray(),
                it = r.doubles(ITEMS, -1, 1).toArray();
        List<int[]> liked = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            for (int j = 0; j < ITEMS; j++) {
                if (u[i] * it[j] > 0.1) {
                    liked.add(new int[] {i, j});
                }
            }
        }
        java.util.Collections.shuffle(liked, r);
        int cut = liked.size() * 4 / 5;
        return new Pairs(
                triples(liked.subList(0, cut), 64, new Random(1), true),
                triples(liked.subList(cut, liked.size()), 64, new Random(2), false));
    }

    private static Triples triples(List<int[]> rows, int bs, Random r, boolean dropLast) {
        return new Triples(
                rows.stream().mapToInt(p -> p[0]).toArray(),
                rows.stream().mapToInt(p -> p[1]).toArray(),
                bs,
                r,
                dropLast);
    }

    /** score(user, liked) - score(user, other), from one pair of embeddings. */
    static final class ScoreDifference extends Module {
        final Embedding users = new Embedding(USERS, 4), items = new Embedding(ITEMS, 4);

        @Override
        public NDArray forward(NDArray x) {
            NDArray u = users.forward(x.get(":, 0"));
            return u.mul(items.forward(x.get(":, 1")).sub(items.forward(x.get(":, 2"))))
                    .sum(new int[] {1});
        }
    }

    /** BPR: -log sigmoid(difference), as softplus(-difference). */
    private static final Loss BPR =
            (diff, ignored) -> diff.neg().exp().add(1).log().mean();

    @Test
    void aPairwiseLossOnAnotherDataLoadersTrainsFindsAnLrAndShowsItsMetric() {
        Tensors.seed(7);
        Pairs dls = pairs();
        var learn = new Learner<>(dls, new ScoreDifference(), BPR)
                .metrics(Metric.higherIsBetter(
                        "pair_acc",
                        (p, t) -> p.gt(0).toType(DataType.FLOAT32, false).mean().getFloat()));
        Pairs given = learn.dls(); // typed by the learner: no cast
        assertSame(dls, given);

        double before = learn.validate();
        assertEquals(Math.log(2), before, 0.01, "scores start near 0");
        List<float[]> weights = BufferSnapshot.weights(learn.model());
        SuggestedLRs found = learn.lrFind(1e-5, 1, 40);
        List<float[]> after = BufferSnapshot.weights(learn.model());
        for (int i = 0; i < after.size(); i++) {
            assertArrayEquals(weights.get(i), after.get(i), "lrFind put the weights back");
        }
        assertTrue(found.valleyLr() > 0);

        var stop = new EarlyStoppingCallback("pair_acc", 2);
        String out = captureStdout(() -> learn.fitOneCycle(6, 5e-2, 0.01, stop));
        assertTrue(out.startsWith("epoch     train_loss  valid_loss  pair_acc    time"), out);
        ResultsTable.Row last = learn.results().last();
        assertTrue(last.validLoss() < 0.6 * before, before + " -> " + last.validLoss());
        assertTrue(last.value("pair_acc") > 0.65, "pair_acc " + last.value("pair_acc"));
        assertTrue(stop.best() >= last.value("pair_acc"), "higher is better for pair_acc");
    }
}
