package dev.fastbook.collab.recommend;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.EmbeddingNN;
import dev.fastbook.collab.model.Module;
import java.util.function.Consumer;

/**
 * Any model's scores through its forward pass on {@code (user, item)} rows, at most 64K rows
 * per call so memory stays bounded whatever the model computes per pair
 * (an MLP's activations included). Rows are {@code [user, item]}, or {@code [user, item, the
 * user's side columns, the item's]} with {@link #withSideColumns}. The library's
 * {@link EmbeddingNN} goes faster through its first layer split in two, a user half and an item half.
 * Runs in evaluation mode, without gradients.
 */
public final class ForwardScorer implements Scorer {
    /**
     * Pairs per call of the model: 64K rows of an MLP with 100 hidden units take about 50 MB. The system
     * property {@code fastbook.recommend.maxPairs} sets it, for measurements.
     */
    static int maxPairs = Integer.getInteger("fastbook.recommend.maxPairs", 1 << 16);

    private final Module model;
    private final int nItems;
    private final SideColumns side;

    private ForwardScorer(Module model, int nItems, SideColumns side) {
        this.model = model;
        this.nItems = nItems;
        this.side = side;
    }

    /** Scores {@code nItems} items (the item vocabulary's size, {@code #na#} included) with {@code model.forward}. */
    public static ForwardScorer of(Module model, int nItems) {
        if (model == null) {
            throw new IllegalArgumentException("Give a trained model to score with, not null.");
        }
        if (nItems < 1) {
            throw new IllegalArgumentException(
                    "nItems is the item vocabulary's size (#na# included): at least 1, got " + nItems + ".");
        }
        return new ForwardScorer(model, nItems, null);
    }

    /**
     * The same model fed rows of (user, item, the user's columns, the item's columns):
     * {@code userColumns[u]} are user u's extra category codes (row 0 for {@code #na#}),
     * {@code itemColumns[i]} item i's, every row as long as the others; either may be null.
     */
    public ForwardScorer withSideColumns(int[][] userColumns, int[][] itemColumns) {
        return new ForwardScorer(model, nItems, SideColumns.of(userColumns, itemColumns));
    }

    @Override
    public int items() {
        return nItems;
    }

    /** The model's predictions for pairs {@code (users[j], items[j])} of vocabulary indices. */
    public float[] predict(int[] users, int[] items) {
        int n = users.length;
        float[] out = new float[n];
        run(pairs -> {
            for (int from = 0; from < n; from += maxPairs) {
                int rows = Math.min(maxPairs, n - from);
                long[] u = new long[rows];
                long[] it = new long[rows];
                for (int j = 0; j < rows; j++) {
                    u[j] = users[from + j];
                    it[j] = items[from + j];
                }
                int at = from;
                Tensors.noGrad(() -> {
                    System.arraycopy(call(pairs, u, it), 0, out, at, rows);
                    return null;
                });
            }
        });
        return out;
    }

    /** Items 1 .. nItems - 1 of each user in calls of at most {@code maxPairs} pairs; row[0] is left at 0. */
    @Override
    public void scoreRows(int[] users, int threads, Rows rows) {
        int chunk = Math.max(1, Math.min(nItems - 1, maxPairs)); // items per call
        int block = Math.max(1, maxPairs / chunk); // users per call
        run(pairs -> Blocks.run(users.length, block, threads, () -> {
            float[][] buf = new float[block][nItems];
            return (from, to) -> Tensors.noGrad(() -> {
                int r = to - from;
                for (int c0 = 1; c0 < nItems; c0 += chunk) {
                    int cw = Math.min(chunk, nItems - c0);
                    long[] u = new long[r * cw];
                    long[] it = new long[r * cw];
                    for (int rr = 0; rr < r; rr++) {
                        for (int j = 0; j < cw; j++) {
                            u[rr * cw + j] = users[from + rr];
                            it[rr * cw + j] = c0 + j;
                        }
                    }
                    float[] s = call(pairs, u, it);
                    for (int rr = 0; rr < r; rr++) {
                        System.arraycopy(s, rr * cw, buf[rr], c0, cw);
                    }
                }
                for (int rr = 0; rr < r; rr++) {
                    rows.accept(from + rr, buf[rr]);
                }
                return null;
            });
        }));
    }

    /** How one call turns (user, item) index arrays into predictions. */
    @FunctionalInterface
    interface Pairs {
        NDArray score(NDArray users, NDArray items);
    }

    /** Runs {@code work} in evaluation mode with this run's pair function (EmbeddingNN's split built from its current weights). */
    private void run(Consumer<Pairs> work) {
        boolean wasTraining = model.isTraining();
        model.eval();
        SplitFirstLayer split =
                side == null && model.getClass() == EmbeddingNN.class ? SplitFirstLayer.of((EmbeddingNN) model) : null;
        try {
            work.accept(split != null ? split : this::forward);
        } finally {
            if (split != null) {
                split.close();
            }
            if (wasTraining) {
                model.train();
            }
        }
    }

    private NDArray forward(NDArray users, NDArray items) {
        NDList parts = new NDList(users.expandDims(1), items.expandDims(1));
        if (side != null) {
            side.append(parts, users, items);
        }
        return model.forward(NDArrays.concat(parts, 1));
    }

    private float[] call(Pairs pairs, long[] users, long[] items) {
        try (NDManager m = Tensors.manager().newSubManager()) {
            NDArray out;
            try {
                out = pairs.score(m.create(users), m.create(items));
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "The model " + model.getClass().getSimpleName() + " could not score (user, item) pairs: "
                                + e.getMessage() + ". A model that takes more than the two ids needs its other columns:"
                                + " recommender.scoredBy(ForwardScorer.of(model, nItems).withSideColumns(userColumns, itemColumns)),"
                                + " or your own Scorer.",
                        e);
            }
            if (out == null || out.size() != users.length) {
                throw new IllegalStateException("The model " + model.getClass().getSimpleName() + " returned "
                        + (out == null ? "null" : "shape " + out.getShape()) + " for " + users.length
                        + " (user, item) rows: it must return one prediction per row.");
            }
            return out.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }
}
