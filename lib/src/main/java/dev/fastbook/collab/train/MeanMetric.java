package dev.fastbook.collab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.function.DoubleUnaryOperator;

/** The mean of a function of (prediction - target) per row, then a last transform (sqrt for rmse). */
final class MeanMetric implements Metric {
    private final String name;
    private final DoubleUnaryOperator perRow, last;
    private double sum;
    private long n;

    MeanMetric(String name, DoubleUnaryOperator perRow, DoubleUnaryOperator last) {
        this.name = name;
        this.perRow = perRow;
        this.last = last;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void reset() {
        sum = 0;
        n = 0;
    }

    @Override
    public void accumulate(Learner<?, ?> learn) {
        float[] p = flat(learn.pred());
        float[] t = flat(learn.batch().y());
        sameCount(name, p, t);
        for (int i = 0; i < p.length; i++) {
            sum += perRow.applyAsDouble((double) p[i] - t[i]);
        }
        n += p.length;
    }

    @Override
    public double value() {
        return n == 0 ? Double.NaN : last.applyAsDouble(sum / n);
    }

    @Override
    public String toString() {
        return name;
    }

    static float[] flat(NDArray a) {
        return (a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false)).toFloatArray();
    }

    static void sameCount(String name, float[] p, float[] t) {
        if (p.length != t.length) {
            throw new IllegalStateException("Metric " + name + ": the model gave " + p.length + " predictions for "
                    + t.length + " targets in a validation batch; it needs one per target.");
        }
    }
}
