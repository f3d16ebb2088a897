package dev.fastbook.collab.recommend;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.model.PairScorer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Predictions and top-K through any model's {@link PairScorer}: pairs go through the model in
 * calls of at most {@link #maxPairs} (user, item) rows, so memory stays bounded whatever the
 * model computes per pair (an MLP's activations included); blocks of users are shared out between
 * worker threads. The dot product's faster route, one matrix product per block, is {@link TopKScorer}.
 */
final class PairScoring {
    /**
     * Pairs per call of the model: 64K rows of an MLP with 100 hidden units take about 50 MB. The system
     * property {@code fastbook.recommend.maxPairs} sets it, for measurements.
     */
    static int maxPairs = Integer.getInteger("fastbook.recommend.maxPairs", 1 << 16);

    private final Module model;
    private final PairScorer scorer;

    PairScoring(Module model, PairScorer scorer) {
        this.model = model;
        this.scorer = scorer;
    }

    /** The predictions for pairs (users[j], items[j]) of vocabulary indices. */
    float[] predict(int[] users, int[] items) {
        int n = users.length;
        float[] out = new float[n];
        inEvalMode(() -> Tensors.noGrad(() -> {
            for (int from = 0; from < n; from += maxPairs) {
                int rows = Math.min(maxPairs, n - from);
                long[] u = new long[rows];
                long[] it = new long[rows];
                for (int j = 0; j < rows; j++) {
                    u[j] = users[from + j];
                    it[j] = items[from + j];
                }
                System.arraycopy(call(u, it), 0, out, from, rows);
            }
            return null;
        }));
        return out;
    }

    /** Each user's best {@code k} unrated items (of items 1 .. nItems - 1), best first, as the model predicts them. */
    TopKScorer.Rows topK(RatedItems rated, int[] users, int nItems, int k, int threads) {
        int m = users.length;
        if ((long) m * k > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("topK(" + k + ") for " + m + " users would keep " + (long) m * k
                    + " recommendations, more than fit in memory at once: ask for fewer, or use recommend(user, k) per user.");
        }
        int chunk = Math.max(1, Math.min(nItems - 1, maxPairs)); // items per call
        int block = Math.max(1, maxPairs / chunk); // users per call
        int nBlocks = (m + block - 1) / block;
        int[] best = new int[m * k];
        float[] scores = new float[m * k];
        int[] counts = new int[m];
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> Tensors.noGrad(() -> {
            float[][] rows = new float[block][nItems];
            TopKScorer.Selector sel = new TopKScorer.Selector(k);
            for (int b; (b = next.getAndIncrement()) < nBlocks; ) {
                int p0 = b * block;
                int r = Math.min(m, p0 + block) - p0;
                for (int c0 = 1; c0 < nItems; c0 += chunk) {
                    int cw = Math.min(chunk, nItems - c0);
                    long[] u = new long[r * cw];
                    long[] it = new long[r * cw];
                    for (int rr = 0; rr < r; rr++) {
                        for (int j = 0; j < cw; j++) {
                            u[rr * cw + j] = users[p0 + rr];
                            it[rr * cw + j] = c0 + j;
                        }
                    }
                    float[] s = call(u, it);
                    for (int rr = 0; rr < r; rr++) {
                        System.arraycopy(s, rr * cw, rows[rr], c0, cw);
                    }
                }
                for (int rr = 0; rr < r; rr++) {
                    float[] row = rows[rr];
                    row[0] = Float.NEGATIVE_INFINITY; // #na# is no item
                    rated.mask(users[p0 + rr], row, Float.NEGATIVE_INFINITY);
                    counts[p0 + rr] = sel.select(row, best, scores, (p0 + rr) * k);
                }
            }
            return null;
        });
        inEvalMode(() -> {
            TopKScorer.run(work, Math.max(1, Math.min(threads, nBlocks)));
            return null;
        });
        return new TopKScorer.Rows(k, best, scores, counts);
    }

    private float[] call(long[] users, long[] items) {
        try (NDManager m = Tensors.manager().newSubManager()) {
            NDArray out;
            try {
                out = scorer.score(m.create(users), m.create(items));
            } catch (RuntimeException e) {
                throw new IllegalStateException("The model " + model.getClass().getSimpleName() + " could not score (user, item) pairs: "
                        + e.getMessage() + ". A model that takes more than the two ids needs its other columns:"
                        + " recommender.scoredBy(PairScorer.withSideColumns(model, userColumns, itemColumns)) or your own PairScorer.", e);
            }
            if (out == null || out.size() != users.length) {
                throw new IllegalStateException("The scorer of " + model.getClass().getSimpleName() + " returned "
                        + (out == null ? "null" : "shape " + out.getShape()) + " for " + users.length
                        + " pairs: it must return one prediction per pair.");
            }
            return out.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        }
    }

    private <T> T inEvalMode(java.util.function.Supplier<T> work) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            return work.get();
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
    }
}
