package dev.fastbook.collab.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import java.util.Arrays;

/**
 * The tensor path, for a parameter that is not a contiguous float32 tensor in CPU memory (on a
 * GPU, say): {@link AdamMath}'s steppers as tensor operations on the parameter's own device, its
 * moving averages kept there. The new state is computed into new tensors and committed only when
 * the whole step is finite.
 */
final class TensorPath {
    private TensorPath() {}

    /** The new state of a parameter (or of its looked-up rows), waiting for the whole step to be finite. */
    static final class Staged {
        NDArray weights;
        NDArray gradAvg;
        NDArray sqrAvg;
        NDArray rowIndex; // lazy rows: the rows these are for

        void close() {
            for (NDArray a : new NDArray[] {weights, gradAvg, sqrAvg, rowIndex}) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    /** Computes the new state of {@code g}'s parameter; false when any of it is not finite. */
    static boolean stage(Grad g, AdamMath.Step c) {
        Slot s = g.slot;
        NDArray w = s.weight();
        s.toTensors(w);
        if (g.lazy && g.rows == null) {
            return true;
        }
        NDManager m = w.getManager();
        return Tensors.noGrad(() -> {
            try (NDManager tmp = m.newSubManager()) {
                AdamMath.OnDevice t = new AdamMath.OnDevice(tmp, w.getDataType());
                Staged out = new Staged();
                NDArray p, avg, sqr, grad;
                if (g.lazy) {
                    out.rowIndex = Slot.keep(m.create(longs(g.rows.rows)), m);
                    NDIndex at = new NDIndex("{}", out.rowIndex);
                    p = t.temp(w.get(at));
                    avg = t.temp(s.gradAvgT.get(at));
                    sqr = t.temp(s.sqrAvgT.get(at));
                    grad = rowSums(g, t);
                } else {
                    p = w;
                    avg = s.gradAvgT;
                    sqr = s.sqrAvgT;
                    grad = g.dense != null ? g.dense : tmp.zeros(w.getShape(), w.getDataType());
                    if (g.rows != null) {
                        // Scatter the row sums into a dense gradient (each row appears once).
                        NDArray rowIdx = tmp.create(longs(g.rows.rows));
                        grad = t.temp(grad.duplicate());
                        grad.set(
                                new NDIndex("{}", rowIdx),
                                grad.get(new NDIndex("{}", rowIdx)).add(rowSums(g, t)));
                    }
                }
                NDArray newAvg = AdamMath.averageGrad(avg, grad, c, t);
                NDArray newSqr = AdamMath.averageSqrGrad(sqr, grad, c, t);
                NDArray newP = AdamMath.adamStep(AdamMath.weightDecay(p, c.decay(s.decays), t), newAvg, newSqr, c, t);
                if (g.dense != null) {
                    g.dense.set(new NDIndex("..."), 0f); // PyTorch accumulates: clear for the next batch
                }
                boolean finite = AdamMath.finite(newP, newAvg, newSqr);
                out.weights = Slot.keep(newP, m);
                out.gradAvg = Slot.keep(newAvg, m);
                out.sqrAvg = Slot.keep(newSqr, m);
                g.tensors = out;
                return finite;
            }
        });
    }

    private static NDArray rowSums(Grad g, AdamMath.OnDevice t) {
        return t.tmp()
                .create(g.rows.packed(), new Shape(g.rows.rows.length, g.slot.cols))
                .toType(t.type(), false);
    }

    private static long[] longs(int[] rows) {
        return Arrays.stream(rows).asLongStream().toArray();
    }

    /** Writes the staged state into the parameter and its moving averages. */
    static void commit(Grad g) {
        Staged st = g.tensors;
        if (st == null) {
            return;
        }
        Slot s = g.slot;
        NDArray w = s.weight();
        Tensors.noGrad(() -> {
            if (st.rowIndex != null) {
                NDIndex at = new NDIndex("{}", st.rowIndex);
                w.set(at, st.weights);
                s.gradAvgT.set(at, st.gradAvg);
                s.sqrAvgT.set(at, st.sqrAvg);
                st.close();
            } else {
                w.set(new NDIndex("..."), st.weights);
                st.weights.close();
                s.gradAvgT.close();
                s.sqrAvgT.close();
                s.gradAvgT = st.gradAvg;
                s.sqrAvgT = st.sqrAvg;
            }
            g.tensors = null;
            return null;
        });
    }

    /** Drops the staged state of a refused step. */
    static void discard(Grad g) {
        if (g.tensors != null) {
            g.tensors.close();
            g.tensors = null;
        }
    }
}
