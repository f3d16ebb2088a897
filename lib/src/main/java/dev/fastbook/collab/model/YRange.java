package dev.fastbook.collab.model;

/**
 * The interval predictions are squashed into with {@code sigmoidRange}, e.g. (0, 5.5) for 1-5 stars.
 * The scalar {@link #squash(double)} is the one Java-side copy of the squash; {@link
 * Layers#sigmoidRange(ai.djl.ndarray.NDArray, double, double)} is the tensor version.
 */
public record YRange(double lo, double hi) {
    public YRange {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("yRange needs finite bounds, got (" + lo + ", " + hi + ")");
        }
        if (!(hi > lo)) {
            throw new IllegalArgumentException("yRange needs lo < hi, got (" + lo + ", " + hi + ")");
        }
    }

    /** fastai's {@code y_range}: predictions squashed into (lo, hi) by a sigmoid; refuses lo >= hi. */
    public static YRange of(double lo, double hi) {
        return new YRange(lo, hi);
    }

    /**
     * A range to suggest for ratings from {@code min} to {@code max}: a margin beyond both ends,
     * since the sigmoid only reaches its bounds at infinity (fastai's reason for 5.5 over 5), and a
     * floor of 0 for positive ratings up to 1 star, which gives fastai's (0, 5.5) for 1-5 stars.
     * The margin is a tenth of the span rounded up to a half, at least 0.5: for ratings from -1 to
     * 5 it is (-2, 6).
     */
    public static YRange containing(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException(
                    "Ratings from " + min + " to " + max + " have no range: give finite values with min <= max.");
        }
        double pad = Math.max(0.5, Math.ceil((max - min) / 10 * 2) / 2);
        double lo = min > 0 && min <= 1 ? 0 : min - pad;
        return new YRange(lo, max + pad);
    }

    /** Whether every value from {@code min} to {@code max} lies inside the range (the bounds included). */
    public boolean contains(double min, double max) {
        return min >= lo && max <= hi;
    }

    /** {@code lo + (hi - lo) * sigmoid(score)}: a raw score (dot product plus biases) as a rating. */
    public double squash(double score) {
        return lo + (hi - lo) / (1 + Math.exp(-score));
    }

    /**
     * The derivative of {@link #squash} at the score whose squashed value is {@code squashed}:
     * {@code (y - lo) * (hi - y) / (hi - lo)}, from sigmoid' = sigmoid * (1 - sigmoid).
     */
    public double slopeAt(double squashed) {
        return (squashed - lo) * (hi - squashed) / (hi - lo);
    }

    @Override
    public String toString() {
        return "(" + lo + ", " + hi + ")";
    }
}
