package dev.fastbook.collab.train.optim;

import java.nio.FloatBuffer;

/**
 * Lazy mode's update of a table: only the rows a batch looked up, with their moving averages,
 * gathered into packed arrays, updated by {@link AdamMath#update} and scattered back.
 */
final class LazyRows {
    private LazyRows() {}

    /** The looked-up rows' new weights and moving averages, waiting for the whole step to be finite. */
    record Staged(float[] weights, float[] gradAvg, float[] sqrAvg) {}

    /** Stages the rows' new values; false when any is not finite. */
    static boolean stage(Grad g, FloatBuffer w, AdamMath.Step c) {
        if (g.rows == null) {
            return true; // not looked up this step: nothing moves
        }
        Slot s = g.slot;
        s.toJava();
        int f = s.cols;
        int[] rows = g.rows.rows;
        int n = rows.length * f;
        float[] p = new float[n], m = new float[n], v = new float[n];
        for (int k = 0; k < rows.length; k++) {
            int r = rows[k];
            w.get(r * f, p, k * f, f);
            s.gradAvg.get(r * f, m, k * f, f);
            s.sqrAvg.get(r * f, v, k * f, f);
        }
        AdamMath.update(n, p, g.rows.packed(), m, v, c.decay(s.decays), c);
        g.staged = new Staged(p, m, v);
        return AdamMath.finite(n, p, m, v);
    }

    static void commit(Grad g, FloatBuffer w) {
        if (g.staged == null) {
            return;
        }
        Slot s = g.slot;
        int f = s.cols;
        int[] rows = g.rows.rows;
        for (int k = 0; k < rows.length; k++) {
            int r = rows[k];
            w.put(r * f, g.staged.weights(), k * f, f);
            s.gradAvg.put(r * f, g.staged.gradAvg(), k * f, f);
            s.sqrAvg.put(r * f, g.staged.sqrAvg(), k * f, f);
        }
        s.maxAvg = Math.max(s.maxAvg, AdamMath.maxAbs(g.staged.gradAvg(), g.staged.gradAvg().length));
    }

    /**
     * In place: rows [from, to) of {@code g.rows}, in blocks through the scratch arrays
     * {gradient, weights, gradAvg, sqrAvg}; false when a result is not finite.
     */
    static boolean update(Grad g, FloatBuffer w, int from, int to, float[][] buf, AdamMath.Step c) {
        Slot s = g.slot;
        int f = s.cols;
        int block = Math.max(1, Chunked.CHUNK / f);
        boolean fits = f <= Chunked.CHUNK;
        float[] gb = fits ? buf[0] : new float[f];
        float[] pb = fits ? buf[1] : new float[f];
        float[] mb = fits ? buf[2] : new float[f];
        float[] vb = fits ? buf[3] : new float[f];
        float decay = c.decay(s.decays);
        RowGradients.Rows rows = g.rows;
        boolean finite = true;
        for (int k = from; k < to; k += block) {
            int nb = Math.min(block, to - k);
            for (int b = 0; b < nb; b++) {
                int r = rows.rows[k + b];
                w.get(r * f, pb, b * f, f);
                s.gradAvg.get(r * f, mb, b * f, f);
                s.sqrAvg.get(r * f, vb, b * f, f);
                System.arraycopy(rows.sums, rows.at(r), gb, b * f, f);
            }
            AdamMath.update(nb * f, pb, gb, mb, vb, decay, c);
            finite &= AdamMath.finite(nb * f, pb, mb, vb);
            for (int b = 0; b < nb; b++) {
                int r = rows.rows[k + b];
                w.put(r * f, pb, b * f, f);
                s.gradAvg.put(r * f, mb, b * f, f);
                s.sqrAvg.put(r * f, vb, b * f, f);
            }
        }
        return finite;
    }
}
