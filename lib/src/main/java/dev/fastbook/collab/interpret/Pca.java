package dev.fastbook.collab.interpret;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * fastai's {@code pca(x, k)}: centre the columns, take the SVD and project onto the first k
 * principal directions. The signs of the components are arbitrary, as with any SVD.
 */
public final class Pca {
    private Pca() {}

    /** Rows of {@code x} projected onto its first {@code k} principal components: {@code n x k}. */
    public static double[][] pca(float[][] x, int k) {
        int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("PCA needs at least one row");
        }
        int d = x[0].length;
        if (k < 1 || k > Math.min(n, d)) {
            throw new IllegalArgumentException("k must be between 1 and " + Math.min(n, d) + ", got " + k);
        }
        double[][] c = new double[n][d];
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (float[] row : x) {
                mean += row[j];
            }
            mean /= n;
            for (int i = 0; i < n; i++) {
                c[i][j] = x[i][j] - mean;
            }
        }
        RealMatrix centred = new Array2DRowRealMatrix(c, false);
        RealMatrix v = new SingularValueDecomposition(centred).getV();
        return centred.multiply(v.getSubMatrix(0, d - 1, 0, k - 1)).getData();
    }

    /** Column {@code j} of a matrix, e.g. one component for a plot axis. */
    public static double[] column(double[][] m, int j) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i][j];
        }
        return out;
    }
}
