package dev.fastbook.collab.train;

import ai.djl.ndarray.NDArray;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.model.Parameters;
import java.util.ArrayList;
import java.util.List;

/**
 * What a refused batch puts back: the buffers (BatchNorm's running statistics), which move in the
 * forward pass outside the optimiser. The weights and optimiser state need nothing, since a refused
 * batch takes no step.
 */
final class BufferSnapshot {
    private final List<NDArray> buffers = new ArrayList<>();

    BufferSnapshot(Module model) {
        for (Parameters.Named p : model.parameters()) {
            if (!p.parameter().requiresGradient()) {
                buffers.add(p.array());
            }
        }
    }

    private static final float[][] NONE = new float[0][];

    /** A copy of every buffer (most collab models have none: then nothing is allocated). */
    float[][] save() {
        if (buffers.isEmpty()) {
            return NONE;
        }
        float[][] out = new float[buffers.size()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = buffers.get(k).toFloatArray();
        }
        return out;
    }

    void restore(float[][] saved) {
        for (int k = 0; k < saved.length; k++) {
            NDArray target = buffers.get(k);
            Tensors.copyInto(Tensors.manager().create(saved[k], target.getShape()), target);
        }
    }

    /** Every parameter and buffer, copied (lrFind and SaveModelCallback put them back). */
    static List<float[]> weights(Module model) {
        List<float[]> out = new ArrayList<>();
        for (NDArray a : model.parameterArrays()) {
            out.add(a.toFloatArray());
        }
        return out;
    }

    static void restoreWeights(Module model, List<float[]> saved) {
        List<NDArray> arrays = model.parameterArrays();
        for (int i = 0; i < arrays.size(); i++) {
            NDArray target = arrays.get(i);
            Tensors.copyInto(Tensors.manager().create(saved.get(i), target.getShape()), target);
        }
    }
}
