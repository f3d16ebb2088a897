package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A model's predictions for (user, item) pairs, which is all recommending needs: a model (or an
 * adapter beside it) that takes more than the two ids, e.g. a user's age group or an item's genre,
 * looks those up here from the two indices.
 *
 * <p>A {@link Module} whose {@code forward} takes {@code (n, 2)} rows of (user, item) indices, as
 * the collab learner's models do, needs none: {@link #of(Module)} is the default.
 */
@FunctionalInterface
public interface PairScorer {
    /**
     * Predictions for {@code users[j]} and {@code items[j]} (1-D int64 vocabulary indices of one
     * length), as a 1-D float array of that length. Called without gradients, the model in
     * evaluation mode, possibly from several threads at once, and the arrays it makes are freed
     * after the call.
     */
    NDArray score(NDArray users, NDArray items);

    /** The model's {@code forward} on {@code (n, 2)} rows of (user, item). */
    static PairScorer of(Module model) {
        return (users, items) -> model.forward(NDArrays.stack(new NDList(users, items), 1));
    }

    /**
     * The model's {@code forward} on rows of (user, item, the user's columns, the item's
     * columns): {@code userColumns[u]} are user u's extra category codes (row 0 for {@code #na#}),
     * {@code itemColumns[i]} item i's, each row as long as the others; an EmbeddingNN with one
     * embedding per column takes them as they are.
     */
    static PairScorer withSideColumns(Module model, int[][] userColumns, int[][] itemColumns) {
        int cu = width(userColumns, "userColumns");
        int ci = width(itemColumns, "itemColumns");
        long[] userFlat = flat(userColumns, cu);
        long[] itemFlat = flat(itemColumns, ci);
        return (users, items) -> {
            NDManager m = users.getManager();
            NDList parts = new NDList(users.expandDims(1), items.expandDims(1));
            if (cu > 0) {
                parts.add(m.create(userFlat, new Shape(userColumns.length, cu)).get(users));
            }
            if (ci > 0) {
                parts.add(m.create(itemFlat, new Shape(itemColumns.length, ci)).get(items));
            }
            return model.forward(NDArrays.concat(parts, 1));
        };
    }

    private static int width(int[][] rows, String name) {
        if (rows == null || rows.length == 0) {
            return 0;
        }
        int w = rows[0].length;
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != w) {
                throw new IllegalArgumentException(name + "[" + r + "] has " + (rows[r] == null ? "no" : rows[r].length)
                        + " values, row 0 has " + w + ": give every row the same columns (row 0 is #na#).");
            }
        }
        return w;
    }

    private static long[] flat(int[][] rows, int w) {
        if (w == 0) {
            return new long[0];
        }
        long[] flat = new long[rows.length * w];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < w; c++) {
                flat[r * w + c] = rows[r][c];
            }
        }
        return flat;
    }
}
