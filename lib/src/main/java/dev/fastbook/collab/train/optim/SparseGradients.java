package dev.fastbook.collab.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.model.Embedding;
import dev.fastbook.collab.model.Module;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The link between a model's embeddings and the optimiser for sparse gradients (PyTorch's
 * {@code nn.Embedding(sparse=True)}): {@link #on} switches each table to recording its lookups
 * ({@link Embedding#sparse(boolean)}), and the optimiser then reads each table's gradient as the
 * rows a batch looked up, summed per row, instead of a full-size dense gradient. An optimiser
 * built without it reads every gradient densely and leaves the model as it is.
 */
public final class SparseGradients {
    private final Map<Parameter, Embedding> tables = new IdentityHashMap<>();
    private final Map<Parameter, RowGradients> sums = new IdentityHashMap<>();
    // This step's index arrays read into Java, by tensor: tables looked up with the same indices
    // (a weight and its bias) read them once. The arrays are reused from step to step.
    private final Map<NDArray, long[]> indices = new IdentityHashMap<>();
    private final List<long[]> spare = new ArrayList<>();

    private SparseGradients() {}

    /** Turns on sparse gradients for every embedding of {@code model}, to be read by an optimiser. */
    public static SparseGradients on(Module model) {
        SparseGradients out = new SparseGradients();
        for (Embedding e : embeddings(model)) {
            e.sparse(true);
            out.tables.put(e.weight, e);
            out.sums.put(e.weight, new RowGradients(e.size(), e.factors()));
        }
        return out;
    }

    /** None: every gradient is read densely. */
    public static SparseGradients none() {
        return new SparseGradients();
    }

    /** The embeddings of a model (depth first). */
    static List<Embedding> embeddings(Block block) {
        List<Embedding> out = new ArrayList<>();
        collect(block, out);
        return out;
    }

    private static void collect(Block block, List<Embedding> out) {
        if (block instanceof Embedding e) {
            out.add(e);
        }
        for (var child : block.getChildren()) {
            collect(child.getValue(), out);
        }
    }

    /** Whether this reads {@code table}'s gradient as rows. */
    boolean covers(Embedding table) {
        return tables.get(table.weight) == table;
    }

    /** The table whose weight {@code p} is, when its gradient comes as rows; else null. */
    Embedding table(Parameter p) {
        return tables.get(p);
    }

    /** The rows the table of {@code p} looked up since the last step, summed; null when none. */
    RowGradients.Rows take(Parameter p, boolean sorted) {
        return sums.get(p).sum(tables.get(p).takeLookups(), sorted, this::indices);
    }

    private long[] indices(NDArray a) {
        long[] out = indices.get(a);
        if (out == null) {
            int n = Math.toIntExact(a.size());
            out = spare.isEmpty() ? new long[n] : spare.remove(spare.size() - 1);
            if (out.length < n) {
                out = new long[n];
            }
            TensorMemory.copyLongs(a, out);
            indices.put(a, out);
        }
        return out;
    }

    /** Ends the step: the index arrays read this step go back to the spares. */
    void endStep() {
        spare.addAll(indices.values());
        indices.clear();
    }

    /** Ends the step for {@code p}'s rows. */
    void clear(Parameter p) {
        sums.get(p).clear();
    }
}
