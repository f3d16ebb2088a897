package dev.fastbook.collab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.implicit.Popularity;
import dev.fastbook.collab.model.Module;

import java.util.Arrays;

/**
 * Top-k lists from a full score matrix (users by items, in vocabulary indices): each user's k
 * best-scored items, leaving out index 0 ({@code #na#}) and the items the user rated in training,
 * as Recommenders' {@code remove_seen=True}. Ties go to the lower item index.
 */
public final class TopKLists {
    private TopKLists() {}

    /**
     * Every item's score for every user: the model's forward pass over {@code [user, item]} rows, in
     * evaluation mode and without gradients. Row 0 ({@code #na#}) is left at zero.
     */
    public static float[][] scores(Module model, int nUsers, int nItems) {
        float[][] out = new float[nUsers][];
        out[0] = new float[nItems];
        int block = Math.max(1, 200_000 / nItems);
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            for (int start = 1; start < nUsers; start += block) {
                int end = Math.min(nUsers, start + block);
                long[] x = new long[(end - start) * nItems * 2];
                int p = 0;
                for (int u = start; u < end; u++) {
                    for (int i = 0; i < nItems; i++) {
                        x[p++] = u;
                        x[p++] = i;
                    }
                }
                int from = start;
                float[] flat = Tensors.noGrad(() -> {
                    try (NDManager m = Tensors.manager().newSubManager()) {
                        NDArray pairs = m.create(x, new ai.djl.ndarray.types.Shape(x.length / 2, 2));
                        return model.forward(pairs).toFloatArray();
                    }
                });
                for (int u = from; u < end; u++) {
                    out[u] = Arrays.copyOfRange(flat, (u - from) * nItems, (u - from + 1) * nItems);
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return out;
    }

    /** The same item scores for every user (e.g. {@link Popularity#scores}). */
    public static float[][] sameForAll(float[] itemScores, int nUsers) {
        float[][] out = new float[nUsers][];
        Arrays.fill(out, itemScores);
        return out;
    }

    /** The element-wise mean of score matrices (an average ensemble). */
    public static float[][] mean(float[][]... matrices) {
        float[][] out = new float[matrices[0].length][];
        for (int u = 0; u < out.length; u++) {
            out[u] = new float[matrices[0][u].length];
            for (float[][] m : matrices) {
                for (int i = 0; i < out[u].length; i++) {
                    out[u][i] += m[u][i] / matrices.length;
                }
            }
        }
        return out;
    }

    /**
     * Each user's {@code k} best items, best first; {@code exclude[u]} (may be null) are u's
     * training items. Users listed in {@code users} get a list; the others get null.
     */
    public static int[][] of(float[][] scores, int[][] exclude, int[] users, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        int[][] lists = new int[scores.length][];
        for (int u : users) {
            float[] s = scores[u];
            boolean[] skip = new boolean[s.length];
            skip[0] = true;
            if (exclude[u] != null) {
                for (int i : exclude[u]) {
                    skip[i] = true;
                }
            }
            lists[u] = best(s, skip, k);
        }
        return lists;
    }

    // A partial selection: keep the k best seen so far in a small sorted array.
    private static int[] best(float[] s, boolean[] skip, int k) {
        int[] top = new int[k];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (skip[i]) {
                continue;
            }
            if (n == k && !(s[i] > s[top[k - 1]])) {
                continue;
            }
            int j = n < k ? n++ : k - 1;
            while (j > 0 && s[i] > s[top[j - 1]]) {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = i;
        }
        return n == k ? top : Arrays.copyOf(top, n);
    }
}
