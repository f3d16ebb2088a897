package dev.fastbook.collab.implicit;

import dev.fastbook.collab.recommend.Scorer;
import java.util.Arrays;

/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): one item x item
 * matrix B that predicts each item of a user from the user's other items, in closed form.
 * With {@code P = (XᵀX + λI)⁻¹}, {@code B = I - P diag(1/diag(P))}, which makes {@code diag(B) = 0}
 * (an item may not explain itself). A user's scores are {@code x_u B}. λ is the one setting:
 * larger λ shrinks B toward zero, which helps rare items.
 *
 * <pre>{@code
 * var ease = Ease.fit(Interactions.of(dls), 200);
 * task.evaluate(ease.scores(), 10);
 * }</pre>
 */
public final class Ease {
    private final Interactions x;
    private final double lambda;
    private final double[][] b;

    private Ease(Interactions x, double lambda, double[][] b) {
        this.x = x;
        this.lambda = lambda;
        this.b = b;
    }

    public static Ease fit(Interactions x, double lambda) {
        if (!(lambda > 0)) {
            throw new IllegalArgumentException(
                    "EASE's lambda must be positive (it makes XᵀX + λI invertible), got " + lambda);
        }
        double[] ones = new double[x.nUsers()];
        Arrays.fill(ones, 1);
        double[][] p = x.gram(ones);
        for (int i = 0; i < p.length; i++) {
            p[i][i] += lambda;
        }
        invertSymmetricPositive(p);
        // B = I - P diag(1/diag(P)): column j of P divided by -P_jj, and a zero diagonal
        double[] d = new double[p.length];
        for (int j = 0; j < p.length; j++) {
            d[j] = p[j][j];
        }
        for (double[] row : p) {
            for (int j = 0; j < row.length; j++) {
                row[j] = -row[j] / d[j];
            }
        }
        for (int j = 0; j < p.length; j++) {
            p[j][j] = 0;
        }
        return new Ease(x, lambda, p);
    }

    /** Every user's score for every item, row by row, for the one top-K selection ({@code RankingTask}, {@code Recommender}). */
    public Scorer scores() {
        return x.times(b);
    }

    /** B's entry (i, j): how much having item i raises item j's score. */
    public double weight(int i, int j) {
        return b[i][j];
    }

    public double lambda() {
        return lambda;
    }

    // Gauss-Jordan elimination in place, without pivoting: safe for a symmetric positive-definite
    // matrix, whose pivots are all positive.
    static void invertSymmetricPositive(double[][] a) {
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double[] rowK = a[k];
            double pivot = rowK[k];
            rowK[k] = 1;
            for (int j = 0; j < n; j++) {
                rowK[j] /= pivot;
            }
            for (int i = 0; i < n; i++) {
                double f = a[i][k];
                if (i == k || f == 0) {
                    continue;
                }
                double[] rowI = a[i];
                rowI[k] = 0;
                for (int j = 0; j < n; j++) {
                    rowI[j] -= f * rowK[j];
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Ease(lambda=" + lambda + ", " + x + ")";
    }
}
