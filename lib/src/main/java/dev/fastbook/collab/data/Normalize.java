package dev.fastbook.collab.data;

import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * fastai's {@code Normalize} for one continuous column: the mean and the standard deviation
 * (population, plus 1e-7 as fastai adds) of the training rows, applied to any rows after.
 */
record Normalize(String name, double mean, double std) {
    static Normalize fit(Table t, String name, int[] rows) {
        NumberColumn<?, ?> c = numbers(t, name);
        double sum = 0;
        for (int row : rows) {
            sum += value(c, row);
        }
        double mean = sum / rows.length;
        double sq = 0;
        for (int row : rows) {
            double d = value(c, row) - mean;
            sq += d * d;
        }
        return new Normalize(name, mean, Math.sqrt(sq / rows.length) + 1e-7);
    }

    /** The normalised values of {@code rows} of {@code t}'s column of this name. */
    float[] apply(Table t, int[] rows) {
        NumberColumn<?, ?> c = numbers(t, name);
        float[] out = new float[rows.length];
        for (int k = 0; k < rows.length; k++) {
            out[k] = (float) ((value(c, rows[k]) - mean) / std);
        }
        return out;
    }

    /** The value a normalised one came from, for showing a batch. */
    double decode(float normalised) {
        return normalised * std + mean;
    }

    private static NumberColumn<?, ?> numbers(Table t, String name) {
        if (!t.containsColumn(name)) {
            throw new IllegalArgumentException("No continuous column '" + name + "' in table " + t.name()
                    + "; its columns are " + t.columnNames() + ".");
        }
        Column<?> c = t.column(name);
        if (!(c instanceof NumberColumn<?, ?> num)) {
            throw new IllegalArgumentException("The continuous column '" + name + "' of table " + t.name() + " holds "
                    + c.type().name().toLowerCase(java.util.Locale.ROOT)
                    + " values, not numbers: pass it with catNames(...)"
                    + " to treat it as categories.");
        }
        return num;
    }

    private static double value(NumberColumn<?, ?> c, int row) {
        double v = c.isMissing(row) ? Double.NaN : c.getDouble(row);
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("Continuous column '" + c.name() + "' has "
                    + (Double.isNaN(v) ? "a missing value" : "'" + v + "'") + " at row " + row
                    + ": fill or drop it first (fastai's FillMissing would put the median there).");
        }
        return v;
    }
}
