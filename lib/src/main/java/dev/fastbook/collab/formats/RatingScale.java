package dev.fastbook.collab.formats;

/**
 * The stars a data set uses. {@code WHOLE}: 1..5 in whole stars, an IntColumn (ml-100k and ml-1m;
 * the book shows ratings as {@code 3}). {@code HALF}: 0.5..5 in half stars, a FloatColumn (ml-10m
 * and later, the csv releases). {@code AUTO} (a ratings.dat of unknown origin): 0.5..5 in half
 * stars, an IntColumn when every rating turns out whole, as in ml-1m, else a FloatColumn.
 * A rating off the scale's step (4.25 in half stars, 3.5 in whole ones) is an error, not rounded.
 */
public enum RatingScale {
    WHOLE(1f, 5f, 1, "1..5 whole stars"),
    HALF(0.5f, 5f, 2, "0.5..5 in half stars"),
    AUTO(0.5f, 5f, 2, "0.5..5 in half stars");

    final float min;
    final float max;
    private final int stepsPerStar;
    final String description;

    RatingScale(float min, float max, int stepsPerStar, String description) {
        this.min = min;
        this.max = max;
        this.stepsPerStar = stepsPerStar;
        this.description = description;
    }

    /** Between min and max and on the step (exact in float: the steps are powers of two). */
    boolean accepts(float rating) {
        float steps = rating * stepsPerStar;
        return rating >= min && rating <= max && steps == (int) steps;
    }

    /** Whether the column is an IntColumn: always for WHOLE, for AUTO when every rating was whole. */
    boolean asInts(boolean allWhole) {
        return this == WHOLE || (this == AUTO && allWhole);
    }

    /** What is wrong with a parsed rating that {@link #accepts} refused. */
    String problem(String field, float rating, int lineNumber) {
        if (!(rating >= min && rating <= max)) {
            return "rating " + field + " on line " + lineNumber + " is outside this data set's scale of " + description;
        }
        return "rating " + field + " on line " + lineNumber + " is not on this data set's scale of " + description
                + (this == WHOLE
                        ? ""
                        : " (a step of 0.5; a file of your own with finer ratings can be read with"
                                + " Tablesaw's Table.read().csv(...))");
    }
}
