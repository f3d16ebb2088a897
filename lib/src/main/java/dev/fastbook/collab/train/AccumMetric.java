package dev.fastbook.collab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import java.util.Arrays;
import java.util.function.ToDoubleBiFunction;

/** fastai's {@code AccumMetric}: keeps every prediction and target (4 bytes each) until {@link #value()}. */
final class AccumMetric implements Metric {
    private final String name;
    private final ToDoubleBiFunction<NDArray, NDArray> fn;
    private final boolean lower;
    private float[] preds = new float[0], targs = new float[0];
    private int n;

    AccumMetric(String name, ToDoubleBiFunction<NDArray, NDArray> fn, boolean lower) {
        this.name = name;
        this.fn = fn;
        this.lower = lower;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean lowerIsBetter() {
        return lower;
    }

    @Override
    public void reset() {
        n = 0;
    }

    @Override
    public void accumulate(Learner<?, ?> learn) {
        float[] p = MeanMetric.flat(learn.pred());
        float[] t = MeanMetric.flat(learn.batch().y());
        MeanMetric.sameCount(name, p, t);
        if (n + p.length > preds.length) {
            int cap = Math.max(n + p.length, preds.length * 2);
            preds = Arrays.copyOf(preds, cap);
            targs = Arrays.copyOf(targs, cap);
        }
        System.arraycopy(p, 0, preds, n, p.length);
        System.arraycopy(t, 0, targs, n, t.length);
        n += p.length;
    }

    @Override
    public double value() {
        if (n == 0) {
            return Double.NaN;
        }
        try (NDManager m = Tensors.manager().newSubManager()) {
            NDArray p = m.create(Arrays.copyOf(preds, n), new Shape(n));
            NDArray t = m.create(Arrays.copyOf(targs, n), new Shape(n));
            return fn.applyAsDouble(p, t);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
