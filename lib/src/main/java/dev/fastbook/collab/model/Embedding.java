package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.core.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A lookup table of {@code n} rows of {@code f} factors, initialised as fastai does.
 *
 * <p>With {@link #sparse(boolean) sparse} gradients on (PyTorch's {@code nn.Embedding(sparse=True)};
 * the optimiser's {@code SparseGradients} turns it on), a forward pass that records gradients does
 * not differentiate through the table: it copies the rows it needs into a fresh tensor that is a
 * leaf of the graph and remembers it with its indices ({@link #takeLookups()}). After backward,
 * that leaf's gradient holds one row per lookup: the batch's share of the table's gradient,
 * without the full-size zero-filled gradient PyTorch's dense embedding backward writes (at 162k
 * users x 50 factors that dense gradient costs more than the rest of the batch). The table's own
 * {@code getGradient()} then stays empty.
 */
public class Embedding extends Module {
    /** The trainable table, a DJL {@link Parameter}; {@link #weight()} gives its array. */
    public final Parameter weight;

    private final int n;
    private final int f;
    private boolean sparse;
    private final List<Lookup> lookups = new ArrayList<>();

    /** The rows one forward pass looked up: {@code rows} is a leaf whose gradient backward fills. */
    public record Lookup(NDArray indices, NDArray rows) {}

    /** fastai's init: N(0, 1), wrapped into (-2, 2) with fmod, times 0.01 (a truncated normal, std 0.01). */
    public Embedding(int n, int f) {
        if (n < 1 || f < 1) {
            throw new IllegalArgumentException(
                    "An embedding needs at least one row and one factor, got (" + n + ", " + f + ")");
        }
        this.n = n;
        this.f = f;
        float[] w = new float[n * f];
        Random r = Tensors.random();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() % 2.0 * 0.01);
        }
        weight = Layers.parameter(
                "weight", Parameter.Type.WEIGHT, Tensors.manager().create(w, new Shape(n, f)));
    }

    /** Rows of the table for integer indices of any shape: the result has one more axis of size f. */
    @Override
    public NDArray forward(NDArray indices) {
        if (sparse && Tensors.isGradMode() && weight.requiresGradient()) {
            NDArray rows = Tensors.noGrad(() -> lookup(indices));
            rows.setRequiresGradient(true);
            // Lookups of batches whose memory is gone were never stepped on (e.g. a failed batch).
            lookups.removeIf(l -> l.rows().isReleased());
            lookups.add(new Lookup(indices, rows));
            return rows;
        }
        return lookup(indices);
    }

    private NDArray lookup(NDArray indices) {
        return indices.getNDArrayInternal()
                .embedding(indices, weight.getArray(), SparseFormat.DENSE)
                .singletonOrThrow();
    }

    /**
     * Turns sparse gradients on or off (see the class comment). Off by default, as in PyTorch;
     * the optimiser's {@code SparseGradients} turns it on and reads the lookups with {@link #takeLookups()}.
     */
    public Embedding sparse(boolean on) {
        sparse = on;
        if (!on) {
            lookups.clear();
        }
        return this;
    }

    public boolean isSparse() {
        return sparse;
    }

    /**
     * The lookups recorded since the last call, oldest first; clears them. A lookup whose batch
     * was freed before the next forward pass is dropped then (a batch that failed before its
     * step); one freed after the last forward pass means the step came too late.
     *
     * @throws IllegalStateException when a lookup's arrays were freed before this call
     */
    public List<Lookup> takeLookups() {
        List<Lookup> out = new ArrayList<>(lookups);
        lookups.clear();
        for (Lookup l : out) {
            if (l.rows().isReleased() || l.indices().isReleased()) {
                throw new IllegalStateException("The rows this embedding looked up were freed before the optimiser"
                        + " step: call step() while the batch's NDManager is still open (forward, backward, step,"
                        + " then close it, as the Learner does).");
            }
        }
        return out;
    }

    /** The table itself, {@code n x f}. */
    public NDArray weight() {
        return weight.getArray();
    }

    /** Rows in the table (the vocabulary's size). */
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
