package dev.fastbook.collab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * One mini-batch: {@code x} is {@code [bs, 2]} long indices (user, item) and {@code y} is
 * {@code [bs, 1]} float ratings, as fastai's collab batches are. Closing it frees both.
 */
public record Batch(NDArray x, NDArray y, NDManager manager) implements AutoCloseable {
    public int size() {
        return Math.toIntExact(x.getShape().get(0));
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "Batch(x=" + x.getShape() + " " + x.getDataType() + ", y=" + y.getShape() + " " + y.getDataType() + ")";
    }
}
