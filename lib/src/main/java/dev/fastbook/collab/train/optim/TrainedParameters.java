package dev.fastbook.collab.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.model.Embedding;
import dev.fastbook.collab.model.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Adam} trains: a {@link Slot} for each trainable parameter of a model, marked when it
 * is decayed and when its gradient comes as rows; a model whose embeddings and gradient settings
 * do not fit the optimiser is refused, saying how to build it.
 */
final class TrainedParameters {
    private TrainedParameters() {}

    static List<Slot> slots(Module model, boolean lazy, SparseGradients sparse) {
        List<Slot> out = new ArrayList<>();
        for (Embedding e : SparseGradients.embeddings(model)) {
            if (lazy && !sparse.covers(e)) {
                throw new IllegalArgumentException("Lazy updates need each embedding's gradient as rows, and the "
                        + e.size() + " x " + e.factors() + " embedding of "
                        + model.getClass().getSimpleName()
                        + " does not hand it over so: build the optimiser with new Adam(model, true,"
                        + " SparseGradients.on(model)).");
            }
            if (e.isSparse() && !sparse.covers(e)) {
                throw new IllegalArgumentException("An embedding of "
                        + model.getClass().getSimpleName() + " ("
                        + e.size() + " x " + e.factors() + ") records sparse gradients that this optimiser would not"
                        + " read: build it with new Adam(model, lazy, SparseGradients.on(model)), or turn them off with"
                        + " embedding.sparse(false).");
            }
        }
        for (var named : model.parameters()) {
            Parameter param = named.parameter();
            if (!param.requiresGradient()) {
                continue;
            }
            NDArray w = param.getArray();
            if (!w.getDataType().isFloating()) {
                throw new IllegalArgumentException("Parameter " + named.name() + " is " + w.getDataType()
                        + "; the optimiser trains floating-point parameters.");
            }
            Embedding table = sparse.table(param);
            out.add(new Slot(
                    named.name(),
                    param,
                    decays(named.name(), param),
                    table != null,
                    Math.toIntExact(w.size()),
                    table != null ? table.factors() : 1));
        }
        return out;
    }

    // fastai skips normalisation-layer parameters and modules' `.bias` (Linear biases, or a
    // parameter field named exactly `bias`); embeddings, even bias embeddings, are decayed.
    private static boolean decays(String name, Parameter p) {
        Parameter.Type t = p.getType();
        return !(t == Parameter.Type.BIAS
                || t == Parameter.Type.GAMMA
                || t == Parameter.Type.BETA
                || name.equals("bias"));
    }
}
