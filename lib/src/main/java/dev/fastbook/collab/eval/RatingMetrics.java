package dev.fastbook.collab.eval;

import java.util.Locale;

/**
 * Rating accuracy on a test table: root mean squared error and mean absolute error of the
 * predictions, as Recommenders' {@code rmse} and {@code mae} (one prediction per test row).
 */
public record RatingMetrics(int rows, double rmse, double mae) {

    /** RMSE and MAE of predictions against the actual ratings, row by row; refuses arrays of different lengths. */
    public static RatingMetrics of(float[] predicted, float[] actual) {
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + actual.length
                    + " test ratings: give one prediction per test row, in the same order.");
        }
        if (actual.length == 0) {
            throw new IllegalArgumentException("No test ratings to score against: the test table is empty.");
        }
        double sq = 0, abs = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = predicted[i] - actual[i];
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("Prediction " + i + " is " + predicted[i] + " (rating " + actual[i]
                        + "): the model's output is not a number; retrain with a lower learning rate.");
            }
            sq += d * d;
            abs += Math.abs(d);
        }
        return new RatingMetrics(actual.length, Math.sqrt(sq / actual.length), abs / actual.length);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "rmse=%.4f mae=%.4f (%d ratings)", rmse, mae, rows);
    }
}
