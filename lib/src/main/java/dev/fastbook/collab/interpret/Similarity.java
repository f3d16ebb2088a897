package dev.fastbook.collab.interpret;

import dev.fastbook.collab.core.Vocab;
import java.util.List;

/** Distances between embedding rows, as in the chapter's "embedding distance" section. */
public final class Similarity {
    private Similarity() {}

    /** Cosine similarity of every row of {@code m} to row {@code target} (PyTorch's CosineSimilarity, eps 1e-8). */
    public static float[] cosine(float[][] m, int target) {
        float[] t = m[target];
        double tn = norm(t);
        float[] out = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            double dot = 0;
            for (int k = 0; k < t.length; k++) {
                dot += m[i][k] * t[k];
            }
            out[i] = (float) (dot / Math.max(norm(m[i]) * tn, 1e-8));
        }
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f * f;
        }
        return Math.sqrt(s);
    }

    /** The {@code n} labels whose rows are most similar to {@code label}'s, itself excluded. */
    public static List<String> nearest(float[][] m, List<String> labels, String label, int n) {
        // a vocabulary says what is close ("did you mean ..."); any other list, what to check
        int target = labels instanceof Vocab v ? v.require(label) : labels.indexOf(label);
        if (target < 0) {
            throw new IllegalArgumentException("'" + label + "' is not one of the " + labels.size()
                    + " labels; check the exact spelling, e.g. \"Silence of the Lambs, The (1991)\".");
        }
        float[] sims = cosine(m, target);
        sims[target] = Float.NEGATIVE_INFINITY;
        return Argsort.highest(sims, labels, n);
    }
}
