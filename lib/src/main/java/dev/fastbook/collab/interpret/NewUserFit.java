package dev.fastbook.collab.interpret;

import dev.fastbook.collab.model.YRange;

/**
 * Fits one new user's factors and bias to a few ratings with the item side frozen: a tiny model
 * (f + 1 numbers), so plain Java gradient steps (Adam, L2 penalty) are enough and deterministic.
 */
final class NewUserFit {
    private NewUserFit() {}

    /** {@code w} holds the factors then the bias; it is updated in place. */
    static void fit(double[] w, int[] items, double[] target, float[][] itemF, float[] itemB, YRange range,
            int steps, double lr, double wd) {
        int f = w.length - 1;
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        for (int t = 1; t <= steps; t++) {
            double[] g = new double[w.length];
            for (int n = 0; n < items.length; n++) {
                float[] x = itemF[items[n]];
                double score = score(w, x, itemB[items[n]]);
                double pred = squash(score, range);
                double dPred = 2 * (pred - target[n]) / items.length;
                double dScore = dPred * slope(score, range);
                for (int j = 0; j < f; j++) {
                    g[j] += dScore * x[j];
                }
                g[f] += dScore;
            }
            for (int j = 0; j < w.length; j++) {
                g[j] += 2 * wd * w[j];
                m[j] = 0.9 * m[j] + 0.1 * g[j];
                v[j] = 0.99 * v[j] + 0.01 * g[j] * g[j];
                w[j] -= lr / (1 - Math.pow(0.9, t)) * m[j] / (Math.sqrt(v[j] / (1 - Math.pow(0.99, t))) + 1e-8);
            }
        }
    }

    static double predict(double[] w, float[] itemFactors, float itemBias, YRange range) {
        return squash(score(w, itemFactors, itemBias), range);
    }

    private static double score(double[] w, float[] x, float itemBias) {
        double s = w[w.length - 1] + itemBias;
        for (int j = 0; j < x.length; j++) {
            s += w[j] * x[j];
        }
        return s;
    }

    private static double squash(double s, YRange r) {
        return r == null ? s : r.lo() + (r.hi() - r.lo()) / (1 + Math.exp(-s));
    }

    private static double slope(double s, YRange r) {
        if (r == null) {
            return 1;
        }
        double sig = 1 / (1 + Math.exp(-s));
        return (r.hi() - r.lo()) * sig * (1 - sig);
    }
}
