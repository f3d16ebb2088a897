package dev.fastbook.collab.train.optim;

import ai.djl.ndarray.NDArray;

/** One parameter's gradient this step (its summed rows and/or a dense gradient) and how it is applied. */
final class Grad {
    enum Path {
        /** The tensor path: new state computed as tensors, committed when the whole step is finite. */
        TENSOR,
        /** The CPU pass in place: the result is sure to be finite (see Adam.bounded). */
        IN_PLACE,
        /** The CPU pass, staged: weights backed up, new averages to spares (StepRollback). */
        STAGED,
        /** Lazy rows, staged: new values of the looked-up rows, committed when the whole step is finite. */
        STAGED_ROWS
    }

    final Slot slot;
    final boolean lazy; // lazy mode, and a table whose gradient is rows only
    NDArray dense; // closed after the step
    RowGradients.Rows rows; // null when none (or folded into dense)
    Path path;
    boolean passed; // the staged pass ran: weights written, backup kept
    LazyRows.Staged staged;
    TensorPath.Staged tensors;

    Grad(Slot slot, NDArray dense, RowGradients.Rows rows, boolean lazyMode) {
        this.slot = slot;
        this.dense = dense;
        this.rows = rows;
        this.lazy = lazyMode && slot.rows && dense == null;
    }

    float maxRowGrad() {
        return rows == null ? 0 : rows.maxAbs;
    }
}
