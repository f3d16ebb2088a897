package dev.fastbook.collab.recommend;

import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recommendations for a user the model has never seen, from a handful of ratings: the chapter's
 * first cold-start idea, start from the average user and adjust to what they rated.
 */
final class ColdStart {
    static final int STEPS = 500;
    static final double LR = 0.05;
    static final double WD = 0.01;

    private ColdStart() {}

    static List<Recommendation> forNewUser(EmbeddingDotBias model, Map<String, Double> ratings, int k) {
        if (ratings == null) {
            throw new IllegalArgumentException("Give the new user's ratings as a map of title to rating, e.g. Map.of(\"Star Wars (1977)\", 5.0).");
        }
        if (ratings.isEmpty()) {
            throw new IllegalArgumentException("Give the new user at least one rating (item name -> rating).");
        }
        Recommender.checkK(k);
        YRange range = model.yRange();
        // In vocabulary order, so the fit does not depend on the map's iteration order.
        TreeMap<Integer, Double> sorted = new TreeMap<>();
        for (Map.Entry<String, Double> e : ratings.entrySet()) {
            String title = e.getKey();
            Double r = e.getValue();
            if (title == null) {
                throw new IllegalArgumentException("One of the new user's ratings has no item name (a null key).");
            }
            if (r == null || !Double.isFinite(r)) {
                throw new IllegalArgumentException("'" + title + "' is rated " + r + ": give a number, e.g. 4.0.");
            }
            if (range != null && !range.contains(r, r)) {
                throw new IllegalArgumentException("'" + title + "' is rated " + r + ", outside the model's y range " + range
                        + ": the model cannot predict it. Use the scale the model was trained on.");
            }
            sorted.put(model.itemIndex(title), r);
        }
        Factors fx = Factors.of(model);
        int[] idx = sorted.keySet().stream().mapToInt(Integer::intValue).toArray();
        double[] target = sorted.values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] w = averageUser(fx);
        NewUserFit.fit(w, idx, target, fx, range, STEPS, LR, WD);

        float[] row = new float[fx.nItems];
        for (int i = 0; i < fx.nItems; i++) {
            row[i] = (float) NewUserFit.score(w, fx, i);
        }
        row[0] = Float.NEGATIVE_INFINITY; // #na#
        for (int i : idx) {
            row[i] = Float.NEGATIVE_INFINITY; // what they rated is not recommended back
        }
        int kk = Math.min(k, fx.nItems - 1 - idx.length);
        List<Recommendation> out = new ArrayList<>();
        if (kk <= 0) {
            return out;
        }
        int[] best = new int[kk];
        float[] ignored = new float[kk];
        int n = new TopKScorer.Selector(kk).select(row, best, ignored, 0);
        for (int j = 0; j < n; j++) {
            out.add(new Recommendation(model.itemClasses().get(best[j]), NewUserFit.predict(w, fx, best[j], range)));
        }
        return out;
    }

    /** The mean of all user factors and biases ({@code #na#}'s row left out): where a new user starts. */
    static double[] averageUser(Factors fx) {
        int f = fx.f;
        double[] w = new double[f + 1];
        int n = fx.nUsers - 1;
        for (int u = 1; u < fx.nUsers; u++) {
            for (int j = 0; j < f; j++) {
                w[j] += fx.user[u * f + j] / n;
            }
            w[f] += fx.userBias[u] / n;
        }
        return w;
    }
}
