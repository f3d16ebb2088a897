package dev.fastbook.collab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * One mini-batch: {@code x} is {@code [bs, 2 + extra categorical columns]} long indices (user,
 * item, then the extra categories in the loaders' {@code catNames} order) and {@code y} is
 * {@code [bs, 1]} float ratings, as fastai's collab batches are; {@code xCont} is
 * {@code [bs, continuous columns]} normalised floats, or null when the loaders have none (fastai's
 * tabular {@code x_cont}). A model that reads only user and item reads x's first two columns.
 * Closing the batch frees all of them.
 */
public record Batch(NDArray x, NDArray y, NDManager manager, NDArray xCont) implements AutoCloseable {
    /** A batch of user and item (and extra categorical) indices, with no continuous columns. */
    public Batch(NDArray x, NDArray y, NDManager manager) {
        this(x, y, manager, null);
    }

    /** Rows in this batch. */
    public int size() {
        return Math.toIntExact(x.getShape().get(0));
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "Batch(x=" + x.getShape() + " " + x.getDataType() + ", y=" + y.getShape() + " " + y.getDataType()
                + (xCont == null ? "" : ", xCont=" + xCont.getShape() + " " + xCont.getDataType()) + ")";
    }
}
