package dev.fastbook.collab.recommend;

import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
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
            throw new IllegalArgumentException(
                    "Give the new user's ratings as a map of title to rating, e.g. Map.of(\"Star Wars (1977)\", 5.0).");
        }
        if (ratings.isEmpty()) {
            throw new IllegalArgumentException("Give the new user at least one rating (item name -> rating).");
        }
        TopKSelection.checkK(k);
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
                throw new IllegalArgumentException("'" + title + "' is rated " + r + ", outside the model's y range "
                        + range + ": the model cannot predict it. Use the scale the model was trained on.");
            }
            sorted.put(model.itemIndex(title), r);
        }
        Factors fx = Factors.of(model);
        int[] idx = sorted.keySet().stream().mapToInt(Integer::intValue).toArray();
        double[] target =
                sorted.values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] w = averageUser(fx);
        NewUserFit.fit(w, idx, target, fx, range, STEPS, LR, WD);
        // the new user is user 0 of a one-user copy of the factors, ranked like everyone else
        Scorer scorer = FactorScorer.of(fx.withOneUser(w), range);
        RatedItems rated =
                RatedItems.of(1, fx.nItems, new int[idx.length], idx); // what they rated is not recommended back
        TopKSelection.Lists best = TopKSelection.of(scorer, rated, new int[] {0}, k, 1);
        return TopK.recommendations(best, 0, model.itemClasses(), scorer);
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
