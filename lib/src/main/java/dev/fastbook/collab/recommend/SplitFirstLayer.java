package dev.fastbook.collab.recommend;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Block;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.Embedding;
import dev.fastbook.collab.model.EmbeddingNN;
import dev.fastbook.collab.model.Linear;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.model.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link EmbeddingNN}'s forward pass for many (user, item) pairs with its first layer split in
 * two: that layer multiplies the concatenated embeddings [u, i] by W, and [u, i] W^T = u W_u^T +
 * i W_i^T, so both halves are computed once per user and once per item, and each pair adds two
 * rows instead of multiplying a (f_u + f_i)-wide row by W. The layers after it run as they are.
 * Built from the model's current weights; closing it frees the two halves.
 */
final class SplitFirstLayer implements ForwardScorer.Pairs, AutoCloseable {
    private final NDManager manager;
    private final NDArray userPart;
    private final NDArray itemPart;
    private final List<Module> rest;

    private SplitFirstLayer(NDManager manager, NDArray userPart, NDArray itemPart, List<Module> rest) {
        this.manager = manager;
        this.userPart = userPart;
        this.itemPart = itemPart;
        this.rest = rest;
    }

    /** The split scorer, or null when the model is not laid out as EmbeddingNN builds it (user, item, then layers). */
    static SplitFirstLayer of(EmbeddingNN nn) {
        if (nn.getClass() != EmbeddingNN.class || nn.embSzs().size() != 2) {
            return null;
        }
        List<Module> rest = new ArrayList<>();
        Linear first = null;
        for (Block layer : nn.layers.getChildren().values()) {
            if (first == null) {
                List<Block> parts = layer instanceof Sequential s
                        ? new ArrayList<>(s.getChildren().values())
                        : List.of(layer);
                if (parts.isEmpty() || !(parts.get(0) instanceof Linear lin)) {
                    return null;
                }
                first = lin;
                parts.stream().skip(1).forEach(b -> rest.add((Module) b));
            } else {
                rest.add((Module) layer);
            }
        }
        if (first == null) {
            return null;
        }
        Linear linear = first;
        int fu = nn.embSzs().get(0).f();
        NDArray users = ((Embedding) nn.embeds.getChildren().get(0).getValue()).weight();
        NDArray items = ((Embedding) nn.embeds.getChildren().get(1).getValue()).weight();
        NDManager m = Tensors.manager().newSubManager();
        try {
            NDArray[] halves = Tensors.noGrad(() -> {
                // W is small (out x (f_u + f_i)): split it in Java, into our manager
                float[] w = linear.weight().toFloatArray();
                int out = (int) linear.weight().getShape().get(0);
                int in = (int) linear.weight().getShape().get(1);
                NDArray wu = m.create(transposedColumns(w, out, in, 0, fu), new Shape(fu, out));
                NDArray wi = m.create(transposedColumns(w, out, in, fu, in), new Shape(in - fu, out));
                // a product takes its first operand's manager (the model's): move the results to ours
                NDArray u = users.matMul(wu);
                u.attach(m);
                NDArray i = items.matMul(wi);
                i.attach(m);
                if (linear.bias != null) {
                    i = i.add(m.create(linear.bias.getArray().toFloatArray()));
                }
                return new NDArray[] {u, i};
            });
            return new SplitFirstLayer(m, halves[0], halves[1], rest);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Columns {@code from .. to - 1} of the row-major {@code rows x cols} matrix, transposed. */
    private static float[] transposedColumns(float[] w, int rows, int cols, int from, int to) {
        float[] t = new float[(to - from) * rows];
        for (int c = from; c < to; c++) {
            for (int r = 0; r < rows; r++) {
                t[(c - from) * rows + r] = w[r * cols + c];
            }
        }
        return t;
    }

    @Override
    public NDArray score(NDArray users, NDArray items) {
        // embedding() attaches its rows to the indices' manager, which the caller frees
        NDArray x = rows(users, userPart).add(rows(items, itemPart));
        for (Module layer : rest) {
            x = layer.forward(x);
        }
        return x.squeeze(1);
    }

    private static NDArray rows(NDArray indices, NDArray table) {
        return indices.getNDArrayInternal()
                .embedding(indices, table, SparseFormat.DENSE)
                .singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
