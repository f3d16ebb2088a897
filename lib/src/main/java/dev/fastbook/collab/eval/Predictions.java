package dev.fastbook.collab.eval;

import ai.djl.ndarray.NDScope;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.DataLoader;
import dev.fastbook.collab.model.Module;
import java.util.List;

/**
 * A model's predictions for every row of a loader (a test set, say), in the loader's order, and
 * the loader's ratings beside them: what {@link RatingMetrics} scores. Several models' predictions
 * average into an ensemble's.
 */
public final class Predictions {
    private Predictions() {}

    /** The model's output for each row, in evaluation mode and without gradients. */
    public static float[] of(Module model, DataLoader loader) {
        float[] out = new float[loader.n()];
        boolean wasTraining = model.isTraining();
        model.eval();
        int[] k = {0};
        try {
            Tensors.noGrad(() -> {
                for (Batch b : loader) {
                    try (b;
                            NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        float[] p = model.forward(b.x()).toFloatArray();
                        System.arraycopy(p, 0, out, k[0], p.length);
                        k[0] += p.length;
                    }
                }
                return null;
            });
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return k[0] == out.length ? out : java.util.Arrays.copyOf(out, k[0]);
    }

    /** The ratings ({@code y}) of each row, in order. */
    public static float[] targets(DataLoader loader) {
        float[] out = new float[loader.n()];
        int k = 0;
        for (Batch b : loader) {
            try (b) {
                float[] y = b.y().toFloatArray();
                System.arraycopy(y, 0, out, k, y.length);
                k += y.length;
            }
        }
        return k == out.length ? out : java.util.Arrays.copyOf(out, k);
    }

    /** The row-wise mean of several models' predictions (an average ensemble). */
    public static float[] mean(List<float[]> predictions) {
        float[] out = new float[predictions.get(0).length];
        for (float[] p : predictions) {
            if (p.length != out.length) {
                throw new IllegalArgumentException("Predictions of different lengths (" + out.length + " and "
                        + p.length + "): predict the same loader with every model.");
            }
            for (int i = 0; i < out.length; i++) {
                out[i] += p[i] / predictions.size();
            }
        }
        return out;
    }

    /** RMSE and MAE of a model on a loader's rows. */
    public static RatingMetrics score(Module model, DataLoader loader) {
        return RatingMetrics.of(of(model, loader), targets(loader));
    }
}
