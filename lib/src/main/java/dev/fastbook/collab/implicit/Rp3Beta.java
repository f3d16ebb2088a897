package dev.fastbook.collab.implicit;

import dev.fastbook.collab.recommend.Scorer;
import java.util.Arrays;

/**
 * RP3beta (Paudel, Christoffel, Newell and Bernstein, "Updatable, accurate, diverse, and scalable
 * recommendations for interactive applications", ACM TiiS 2017): a three-step random walk on the
 * user-item graph, user -> item -> another user -> item, with two changes. Each step's
 * probability is raised to the power α (below 1 flattens, above 1 sharpens), and the item reached
 * is divided by its popularity to the power β, so the walk stops landing on the same blockbusters.
 * Only each item's {@code neighbours} strongest links are kept.
 *
 * <p>From item i to item j: {@code W_ij = deg(i)^-α · Σ_u deg(u)^-α / deg(j)^β} over the users u
 * who have both; a user's scores are {@code x_u W}.
 */
public final class Rp3Beta {
    private final Interactions x;
    private final double alpha;
    private final double beta;
    private final int neighbours;
    private final double[][] w;

    private Rp3Beta(Interactions x, double alpha, double beta, int neighbours, double[][] w) {
        this.x = x;
        this.alpha = alpha;
        this.beta = beta;
        this.neighbours = neighbours;
        this.w = w;
    }

    public static Rp3Beta fit(Interactions x, double alpha, double beta, int neighbours) {
        if (!(alpha > 0) || !(beta >= 0) || neighbours < 1) {
            throw new IllegalArgumentException("RP3beta needs alpha > 0, beta >= 0 and at least 1 neighbour, got alpha="
                    + alpha + " beta=" + beta + " neighbours=" + neighbours);
        }
        int[] userDeg = x.userCounts();
        int[] itemDeg = x.itemCounts();
        double[] userStep = new double[userDeg.length];
        for (int u = 0; u < userDeg.length; u++) {
            userStep[u] = userDeg[u] == 0 ? 0 : Math.pow(userDeg[u], -alpha);
        }
        double[][] w = x.gram(userStep);
        for (int i = 0; i < w.length; i++) {
            double from = itemDeg[i] == 0 ? 0 : Math.pow(itemDeg[i], -alpha);
            for (int j = 0; j < w.length; j++) {
                w[i][j] = itemDeg[j] == 0 ? 0 : w[i][j] * from / Math.pow(itemDeg[j], beta);
            }
            w[i][i] = 0;
            keepLargest(w[i], neighbours);
        }
        return new Rp3Beta(x, alpha, beta, neighbours, w);
    }

    /** Every user's score for every item, row by row, for the one top-K selection ({@code RankingTask}, {@code Recommender}). */
    public Scorer scores() {
        return x.times(w);
    }

    /** W's entry (i, j): the walk's weight from item i to item j. */
    public double weight(int i, int j) {
        return w[i][j];
    }

    // Zeroes all but the k largest entries of a row (ties at the k-th value are all kept).
    private static void keepLargest(double[] row, int k) {
        if (k >= row.length) {
            return;
        }
        double[] sorted = row.clone();
        Arrays.sort(sorted);
        double kth = sorted[row.length - k];
        for (int j = 0; j < row.length; j++) {
            if (row[j] < kth) {
                row[j] = 0;
            }
        }
    }

    @Override
    public String toString() {
        return "Rp3Beta(alpha=" + alpha + ", beta=" + beta + ", neighbours=" + neighbours + ", " + x + ")";
    }
}
