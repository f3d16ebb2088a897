package dev.fastbook.collab.recommend;

import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.Module;

/**
 * Every item's score for many users: what ranking asks of a model. {@link TopKSelection} keeps
 * each user's best. Two routes come with the library, chosen by {@link #of}: {@link FactorScorer}
 * (one matrix product per block of users, for the dot-product model) and {@link ForwardScorer}
 * (any model's forward pass over (user, item) rows, in bounded batches).
 */
public interface Scorer {
    /** Items per row: vocabulary indices {@code 0 .. items() - 1}; index 0 ({@code #na#}) never ranks. */
    int items();

    /**
     * Computes every item's score for each of {@code users} (vocabulary indices) and hands row
     * {@code p}, user {@code users[p]}'s, to {@code rows}. Users are scored in blocks that keep
     * memory bounded, on up to {@code threads} threads at once, so {@code rows} must accept rows
     * from several threads; a row array is reused once {@code accept} returns. A model's weights
     * are read at each call, so the scores follow further training.
     */
    void scoreRows(int[] users, int threads, Rows rows);

    /** The prediction a score stands for: the score itself, or its squash into a y range for raw factor scores. */
    default double predicted(float score) {
        return score;
    }

    /** Receives one user's scores; it may change the row (to mask items) but not keep it. */
    @FunctionalInterface
    interface Rows {
        void accept(int position, float[] row);
    }

    /**
     * The route for a model scoring {@code nItems} items: the factor product for the dot-product
     * model itself ({@link EmbeddingDotBias}, not a subclass, which may score differently), the
     * forward pass for any other.
     */
    static Scorer of(Module model, int nItems) {
        if (model != null && model.getClass() == EmbeddingDotBias.class) {
            return FactorScorer.of((EmbeddingDotBias) model);
        }
        return ForwardScorer.of(model, nItems);
    }

    /** The same scores for every user, e.g. how often each item was rated (the popularity baseline). */
    static Scorer sameForEveryUser(float[] itemScores) {
        float[] fixed = itemScores.clone();
        return new Scorer() {
            @Override
            public int items() {
                return fixed.length;
            }

            @Override
            public void scoreRows(int[] users, int threads, Rows rows) {
                float[] row = new float[fixed.length];
                for (int p = 0; p < users.length; p++) {
                    System.arraycopy(fixed, 0, row, 0, fixed.length);
                    rows.accept(p, row);
                }
            }
        };
    }
}
