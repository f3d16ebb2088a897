package dev.fastbook.collab.model;

/** The interval predictions are squashed into with {@code sigmoidRange}, e.g. (0, 5.5) for 1-5 stars. */
public record YRange(double lo, double hi) {
    public YRange {
        if (!(hi > lo)) {
            throw new IllegalArgumentException("yRange needs lo < hi, got (" + lo + ", " + hi + ")");
        }
    }

    public static YRange of(double lo, double hi) {
        return new YRange(lo, hi);
    }

    @Override
    public String toString() {
        return "(" + lo + ", " + hi + ")";
    }
}
