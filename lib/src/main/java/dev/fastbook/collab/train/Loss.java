package dev.fastbook.collab.train;

import ai.djl.ndarray.NDArray;

/** A loss function over predictions and targets. */
@FunctionalInterface
public interface Loss {
    NDArray apply(NDArray predictions, NDArray targets);

    /**
     * fastai's {@code MSELossFlat}: the mean squared error of the flattened tensors. (DJL's
     * {@code L2Loss} halves it, so it is not used.)
     */
    static Loss mse() {
        return new MseLossFlat();
    }

    /** fastai's {@code MSELossFlat}, a type of its own so a trainer can recognise it. */
    record MseLossFlat() implements Loss {
        @Override
        public NDArray apply(NDArray p, NDArray y) {
            return flat(p).sub(flat(y)).square().mean();
        }

        @Override
        public String toString() {
            return "MSELossFlat()";
        }
    }

    private static NDArray flat(NDArray a) {
        return a.getShape().dimension() == 1 ? a : a.reshape(-1);
    }
}
