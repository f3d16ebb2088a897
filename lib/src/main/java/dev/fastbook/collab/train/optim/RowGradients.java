package dev.fastbook.collab.train.optim;

import ai.djl.ndarray.NDArray;
import dev.fastbook.collab.model.Embedding;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One table's gradient as rows: each lookup's gradient holds one row per index; they are summed
 * into one gradient per distinct row, in lookup order, as PyTorch's dense embedding backward sums
 * them (starting from zero), so the floats are the same. (When a table is looked up twice in one
 * forward pass, the two lookups' sums may round differently from PyTorch's.) The buffers are kept
 * from step to step: at bs 4096 new ones would be megabytes of garbage per step.
 */
final class RowGradients {
    private final int cols;
    private final int[] slotOf; // row -> index of its summed gradient, -1 when not looked up this step
    private int[] order = new int[0]; // rows in order of first use
    private float[] sums = new float[0];
    private float[] leaf = new float[0];
    private int used;

    RowGradients(int rows, int cols) {
        this.cols = cols;
        slotOf = new int[rows];
        Arrays.fill(slotOf, -1);
    }

    /** The rows this step looked up, with their summed gradients; valid until {@link #clear}. */
    static final class Rows {
        final int[] rows; // distinct, sorted when asked for
        final float[] sums;
        final int[] slotOf;
        final int cols;
        final float maxAbs; // max |summed gradient|

        Rows(int[] rows, float[] sums, int[] slotOf, int cols, float maxAbs) {
            this.rows = rows;
            this.sums = sums;
            this.slotOf = slotOf;
            this.cols = cols;
            this.maxAbs = maxAbs;
        }

        /** Where row r's summed gradient starts in {@link #sums}. */
        int at(int r) {
            return slotOf[r] * cols;
        }

        /** The gradients in the order of {@link #rows}. */
        float[] packed() {
            boolean inOrder = true;
            for (int k = 0; k < rows.length && inOrder; k++) {
                inOrder = slotOf[rows[k]] == k;
            }
            if (inOrder) {
                return sums;
            }
            float[] out = new float[rows.length * cols];
            for (int k = 0; k < rows.length; k++) {
                System.arraycopy(sums, at(rows[k]), out, k * cols, cols);
            }
            return out;
        }
    }

    /**
     * Sums the lookups' row gradients; null when no lookup got one (looked up, but backward did
     * not run). {@code sorted}: the rows in ascending order, as the dense pass walks them.
     */
    Rows sum(List<Embedding.Lookup> lookups, boolean sorted, Function<NDArray, long[]> indicesOf) {
        int f = cols;
        for (Embedding.Lookup l : lookups) {
            NDArray leafGrad = TensorMemory.gradient(l.rows());
            if (leafGrad == null) {
                continue;
            }
            int n = Math.toIntExact(l.indices().size());
            if (leaf.length < n * f) {
                leaf = new float[n * f];
            }
            try (leafGrad) {
                TensorMemory.copyFloats(leafGrad, leaf, n * f);
            }
            if (order.length < Math.min(slotOf.length, used + n)) {
                int cap = Math.min(slotOf.length, Math.max(16, used + n));
                order = Arrays.copyOf(order, cap);
                sums = Arrays.copyOf(sums, cap * f);
            }
            add(indicesOf.apply(l.indices()), n);
        }
        if (used == 0) {
            return null;
        }
        int[] rows = Arrays.copyOf(order, used);
        if (sorted) {
            Arrays.sort(rows);
        }
        return new Rows(rows, sums, slotOf, f, AdamMath.maxAbs(sums, used * f));
    }

    private void add(long[] indices, int n) {
        int f = cols;
        for (int i = 0; i < n; i++) {
            int r = (int) indices[i];
            int k = slotOf[r];
            if (k < 0) {
                k = used++;
                slotOf[r] = k;
                order[k] = r;
                Arrays.fill(sums, k * f, k * f + f, 0f);
            }
            int at = k * f;
            int from = i * f;
            for (int j = 0; j < f; j++) {
                sums[at + j] += leaf[from + j];
            }
        }
    }

    /** Forgets this step's rows, ready for the next. */
    void clear() {
        for (int k = 0; k < used; k++) {
            slotOf[order[k]] = -1;
        }
        used = 0;
    }
}
