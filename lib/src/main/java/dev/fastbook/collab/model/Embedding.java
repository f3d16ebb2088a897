package dev.fastbook.collab.model;

import dev.fastbook.collab.core.Tensors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;

import java.util.Random;

/** A lookup table of {@code n} rows of {@code f} factors, initialised as fastai does. */
public class Embedding extends Module {
    /** The trainable table, a DJL {@link Parameter}; {@link #weight()} gives its array. */
    public final Parameter weight;
    private final int n;
    private final int f;

    /** fastai's init: N(0, 1), wrapped into (-2, 2) with fmod, times 0.01 (a truncated normal, std 0.01). */
    public Embedding(int n, int f) {
        if (n < 1 || f < 1) {
            throw new IllegalArgumentException("An embedding needs at least one row and one factor, got (" + n + ", " + f + ")");
        }
        this.n = n;
        this.f = f;
        float[] w = new float[n * f];
        Random r = Tensors.random();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() % 2.0 * 0.01);
        }
        weight = Layers.parameter("weight", Parameter.Type.WEIGHT, Tensors.manager().create(w, new Shape(n, f)));
    }

    /** Rows of the table for integer indices of any shape: the result has one more axis of size f. */
    @Override
    public NDArray forward(NDArray indices) {
        return indices.getNDArrayInternal().embedding(indices, weight.getArray(), SparseFormat.DENSE).singletonOrThrow();
    }

    /** The table itself, {@code n x f}. */
    public NDArray weight() {
        return weight.getArray();
    }

    public int size() {
        return n;
    }

    public int factors() {
        return f;
    }

    @Override
    protected String extraRepr() {
        return n + ", " + f;
    }
}
