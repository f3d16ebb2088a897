package dev.fastbook.collab.recommend;

import dev.fastbook.collab.model.YRange;

/**
 * Fits one new user's factors and bias to a few ratings with the item side frozen: a tiny model
 * (f + 1 numbers), so plain Java gradient steps (Adam, L2 penalty) are enough and deterministic.
 *
 * <p>The loss is the mean squared error of the squashed predictions plus {@code wd * |w|^2}
 * (the bias included); {@link #gradient} is its exact derivative, checked against finite
 * differences in the tests.
 */
final class NewUserFit {
    private NewUserFit() {}

    /** {@code w} holds the factors then the bias; it is updated in place by {@code steps} Adam steps. */
    static void fit(
            double[] w, int[] items, double[] target, Factors fx, YRange range, int steps, double lr, double wd) {
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        for (int t = 1; t <= steps; t++) {
            double[] g = gradient(w, items, target, fx, range, wd);
            for (int j = 0; j < w.length; j++) {
                m[j] = 0.9 * m[j] + 0.1 * g[j];
                v[j] = 0.99 * v[j] + 0.01 * g[j] * g[j];
                w[j] -= lr / (1 - Math.pow(0.9, t)) * m[j] / (Math.sqrt(v[j] / (1 - Math.pow(0.99, t))) + 1e-8);
            }
        }
    }

    /** Mean squared error over the given ratings plus {@code wd * sum(w^2)}. */
    static double loss(double[] w, int[] items, double[] target, Factors fx, YRange range, double wd) {
        double sum = 0;
        for (int n = 0; n < items.length; n++) {
            double e = predict(w, fx, items[n], range) - target[n];
            sum += e * e;
        }
        double l2 = 0;
        for (double x : w) {
            l2 += x * x;
        }
        return sum / items.length + wd * l2;
    }

    /** The derivative of {@link #loss} with respect to each of {@code w}'s numbers. */
    static double[] gradient(double[] w, int[] items, double[] target, Factors fx, YRange range, double wd) {
        int f = w.length - 1;
        double[] g = new double[w.length];
        for (int n = 0; n < items.length; n++) {
            int at = items[n] * fx.f;
            double pred = predict(w, fx, items[n], range);
            double dPred = 2 * (pred - target[n]) / items.length;
            double dScore = dPred * (range == null ? 1 : range.slopeAt(pred));
            for (int j = 0; j < f; j++) {
                g[j] += dScore * fx.item[at + j];
            }
            g[f] += dScore;
        }
        for (int j = 0; j < w.length; j++) {
            g[j] += 2 * wd * w[j];
        }
        return g;
    }

    /** The raw score (dot product plus both biases) of item {@code i} for the user {@code w}. */
    static double score(double[] w, Factors fx, int i) {
        int f = fx.f;
        double s = w[f] + fx.itemBias[i];
        for (int j = 0, at = i * f; j < f; j++) {
            s += w[j] * fx.item[at + j];
        }
        return s;
    }

    static double predict(double[] w, Factors fx, int i, YRange range) {
        return FactorScorer.squashed(range, score(w, fx, i));
    }
}
