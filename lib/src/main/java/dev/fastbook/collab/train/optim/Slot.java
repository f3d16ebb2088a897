package dev.fastbook.collab.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;

/**
 * One parameter's optimiser state: fastai's {@code grad_avg} and {@code sqr_avg}, as Java arrays
 * for the CPU pass or as tensors on the parameter's device for the tensor path (converted when a
 * parameter changes path), and what the bounds of {@code Adam.bounded} need.
 */
final class Slot {
    final String name;
    final Parameter param;
    final boolean decays;
    final boolean rows; // its gradient comes as rows (SparseGradients)
    final int size;
    final int cols;
    boolean seen; // fastai skips a parameter until it has a gradient
    float maxAvg; // at least max |gradAvg|: bounds the update of rows without a gradient
    Chunked gradAvg;
    Chunked sqrAvg;
    NDArray gradAvgT;
    NDArray sqrAvgT;
    final StepRollback rollBack;

    Slot(String name, Parameter param, boolean decays, boolean rows, int size, int cols) {
        this.name = name;
        this.param = param;
        this.decays = decays;
        this.rows = rows;
        this.size = size;
        this.cols = cols;
        gradAvg = new Chunked(size);
        sqrAvg = new Chunked(size);
        rollBack = new StepRollback(this);
    }

    NDArray weight() {
        return param.getArray();
    }

    /** The moving averages as Java arrays (converting from tensors if the last step ran there). */
    void toJava() {
        if (gradAvgT != null) {
            gradAvg = Chunked.of(floatsOf(gradAvgT));
            sqrAvg = Chunked.of(floatsOf(sqrAvgT));
            gradAvgT.close();
            sqrAvgT.close();
            gradAvgT = null;
            sqrAvgT = null;
            maxAvg = gradAvg.maxAbs();
        }
    }

    /** The moving averages as tensors like {@code w}, on its device. */
    void toTensors(NDArray w) {
        if (gradAvgT == null) {
            NDManager m = w.getManager();
            gradAvgT = keep(m.create(gradAvg.flat(), w.getShape()).toType(w.getDataType(), false), m);
            sqrAvgT = keep(m.create(sqrAvg.flat(), w.getShape()).toType(w.getDataType(), false), m);
            gradAvg = sqrAvg = null;
            rollBack.drop();
        }
    }

    /** Copies of {gradAvg, sqrAvg}. */
    float[][] copy() {
        return gradAvgT != null
                ? new float[][] {floatsOf(gradAvgT), floatsOf(sqrAvgT)}
                : new float[][] {gradAvg.flat(), sqrAvg.flat()};
    }

    void set(float[][] state) {
        if (gradAvgT != null) {
            gradAvgT.set(state[0]);
            sqrAvgT.set(state[1]);
        } else {
            gradAvg.put(0, state[0], 0, state[0].length);
            sqrAvg.put(0, state[1], 0, state[1].length);
            maxAvg = gradAvg.maxAbs();
        }
    }

    private static float[] floatsOf(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, false)) {
            return f.toFloatArray();
        }
    }

    /** Moves an array out of any temporary manager or scope so it lives as long as the optimiser. */
    static NDArray keep(NDArray a, NDManager owner) {
        a.attach(owner);
        NDScope.unregister(a);
        return a;
    }
}
