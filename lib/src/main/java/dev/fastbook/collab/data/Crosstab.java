package dev.fastbook.collab.data;

import dev.fastbook.collab.display.Displayable;
import dev.fastbook.collab.display.KeyedGrid;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.BiFunction;
import tech.tablesaw.aggregate.PivotTable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * The book's picture of collaborative filtering: the most active users (rows) against the most
 * rated movies (columns), a rating where the user rated the movie and a blank where not. The
 * blanks are what the model learns to fill in.
 *
 * <pre>{@code
 * Crosstab.mostActive(ratings, 15, 15)   // shows as an HTML table in a notebook
 * }</pre>
 *
 * <p>The pivot itself is Tablesaw's ({@link PivotTable}, the mean of each pair's values) over the
 * rows of the chosen keys ({@link CrosstabPivot}); this class keeps the grid in the keys' order. Its
 * rendering is {@link KeyedGrid}'s.
 */
public final class Crosstab implements Displayable {

    private final String rowName;
    private final String columnName;
    private final String valueName;
    private final List<Integer> rowKeys;
    private final List<Integer> columnKeys;
    private final double[][] values; // NaN = blank
    private final boolean wholeNumbers;

    private Crosstab(
            String rowName,
            String columnName,
            String valueName,
            List<Integer> rowKeys,
            List<Integer> columnKeys,
            double[][] values,
            boolean wholeNumbers) {
        this.rowName = rowName;
        this.columnName = columnName;
        this.valueName = valueName;
        this.rowKeys = rowKeys;
        this.columnKeys = columnKeys;
        this.values = values;
        this.wholeNumbers = wholeNumbers;
    }

    /** {@link #mostActive(Table, String, String, String, int, int)} with MovieLens's {@code user, movie, rating}. */
    public static Crosstab mostActive(Table ratings, int nRows, int nColumns) {
        return mostActive(ratings, "user", "movie", "rating", nRows, nColumns);
    }

    /**
     * Pivots the {@code nRows} row keys and {@code nColumns} column keys that occur most often
     * (ties go to the smaller key), each sorted ascending. A cell is the value for that pair (the
     * mean if the pair occurs more than once) or blank.
     */
    public static Crosstab mostActive(
            Table table, String rowColumn, String columnColumn, String valueColumn, int nRows, int nColumns) {
        if (nRows < 1 || nColumns < 1) {
            throw new IllegalArgumentException(
                    "nRows and nColumns must be at least 1, got " + nRows + " and " + nColumns);
        }
        CrosstabPivot p = CrosstabPivot.of(table, rowColumn, columnColumn, valueColumn, nRows, nColumns);
        return new Crosstab(
                rowColumn, columnColumn, valueColumn, p.rowKeys(), p.columnKeys(), p.values(), p.wholeNumbers());
    }

    /** The row keys (e.g. user ids), ascending. */
    public List<Integer> rowKeys() {
        return rowKeys;
    }

    /** The column keys (e.g. movie ids), ascending. */
    public List<Integer> columnKeys() {
        return columnKeys;
    }

    /** The cell for these keys, empty where blank. */
    public OptionalDouble value(int rowKey, int columnKey) {
        double v = values[row(rowKey)][column(columnKey)];
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    private int row(int rowKey) {
        int r = rowKeys.indexOf(rowKey);
        if (r < 0) {
            throw new IllegalArgumentException(
                    rowName + " " + rowKey + " is not in this crosstab; its " + rowName + " keys are " + rowKeys);
        }
        return r;
    }

    private int column(int columnKey) {
        int c = columnKeys.indexOf(columnKey);
        if (c < 0) {
            throw new IllegalArgumentException(columnName + " " + columnKey + " is not in this crosstab; its "
                    + columnName + " keys are " + columnKeys);
        }
        return c;
    }

    /**
     * This grid with every blank filled by a prediction, e.g. from latent factors learned on the
     * given cells. {@code predict} is called once per blank with its (row key, column key), e.g.
     * (user id, movie id); the given values are kept. The result shows the predictions marked
     * (italic, coloured in HTML; in brackets as text), so given and predicted cells stay apart.
     */
    public Filled withPredictions(BiFunction<Integer, Integer, Double> predict) {
        double[][] filled = new double[rowKeys.size()][columnKeys.size()];
        boolean[][] predicted = new boolean[rowKeys.size()][columnKeys.size()];
        for (int r = 0; r < filled.length; r++) {
            for (int c = 0; c < filled[r].length; c++) {
                if (!Double.isNaN(values[r][c])) {
                    filled[r][c] = values[r][c];
                    continue;
                }
                Double p = predict.apply(rowKeys.get(r), columnKeys.get(c));
                if (p == null || !Double.isFinite(p)) {
                    throw new IllegalArgumentException(
                            "The prediction for " + rowName + " " + rowKeys.get(r) + " / " + columnName + " "
                                    + columnKeys.get(c) + " is " + p + "; every blank needs a finite number.");
                }
                filled[r][c] = p;
                predicted[r][c] = true;
            }
        }
        return new Filled(filled, predicted);
    }

    /** A crosstab whose blanks hold predictions: see {@link #withPredictions(BiFunction)}. */
    public final class Filled implements Displayable {
        private final double[][] filled;
        private final boolean[][] predicted;

        private Filled(double[][] filled, boolean[][] predicted) {
            this.filled = filled;
            this.predicted = predicted;
        }

        /** The row keys shown (users, in the chapter's picture), top to bottom. */
        public List<Integer> rowKeys() {
            return rowKeys;
        }

        /** The column keys shown (movies, in the chapter's picture), left to right. */
        public List<Integer> columnKeys() {
            return columnKeys;
        }

        /** The given value, or the prediction where the crosstab was blank. */
        public double value(int rowKey, int columnKey) {
            return filled[row(rowKey)][column(columnKey)];
        }

        /** True where the crosstab was blank and the value is a prediction. */
        public boolean isPredicted(int rowKey, int columnKey) {
            return predicted[row(rowKey)][column(columnKey)];
        }

        /** How many cells hold predictions (the crosstab's blanks). */
        public int predictedCount() {
            int n = 0;
            for (boolean[] row : predicted) {
                for (boolean p : row) {
                    n += p ? 1 : 0;
                }
            }
            return n;
        }

        private KeyedGrid grid() {
            String[][] cells = new String[filled.length][];
            for (int r = 0; r < filled.length; r++) {
                cells[r] = new String[filled[r].length];
                for (int c = 0; c < filled[r].length; c++) {
                    // Predictions with one decimal, like the spreadsheet's.
                    cells[r][c] =
                            predicted[r][c] ? String.format(Locale.ROOT, "%.1f", filled[r][c]) : format(filled[r][c]);
                }
            }
            return new KeyedGrid(
                    corner(),
                    keys(rowKeys),
                    keys(columnKeys),
                    cells,
                    predicted,
                    valueName + " by " + rowName + " and " + columnName + "; ",
                    "predicted where blank");
        }

        @Override
        public Map<String, String> mimeBundle() {
            return grid().mimeBundle();
        }

        @Override
        public String toString() {
            return grid().text();
        }
    }

    /** As a Tablesaw table: the row key column, then one column per column key; blanks are missing values. */
    public Table toTable() {
        Table table = Table.create(valueName + " by " + rowName + " and " + columnName);
        table.addColumns(IntColumn.create(
                rowName, rowKeys.stream().mapToInt(Integer::intValue).toArray()));
        for (int c = 0; c < columnKeys.size(); c++) {
            String name = String.valueOf(columnKeys.get(c));
            if (wholeNumbers) {
                IntColumn column = IntColumn.create(name);
                for (double[] row : values) {
                    if (Double.isNaN(row[c])) {
                        column.appendMissing();
                    } else {
                        column.append((int) row[c]);
                    }
                }
                table.addColumns(column);
            } else {
                DoubleColumn column = DoubleColumn.create(name);
                for (double[] row : values) {
                    column.append(row[c]); // NaN is Tablesaw's missing double
                }
                table.addColumns(column);
            }
        }
        return table;
    }

    private KeyedGrid grid() {
        String[][] cells = new String[values.length][];
        for (int r = 0; r < values.length; r++) {
            cells[r] = new String[values[r].length];
            for (int c = 0; c < values[r].length; c++) {
                cells[r][c] = format(values[r][c]);
            }
        }
        return KeyedGrid.of(corner(), keys(rowKeys), keys(columnKeys), cells);
    }

    private String corner() {
        return rowName + " \\ " + columnName;
    }

    private static List<String> keys(List<Integer> keys) {
        return keys.stream().map(String::valueOf).toList();
    }

    /** Whole numbers without ".0" (ratings are 1-5), blanks as "". */
    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.valueOf(Math.round(v * 1000) / 1000.0);
    }

    @Override
    public Map<String, String> mimeBundle() {
        return grid().mimeBundle();
    }

    @Override
    public String toString() {
        return grid().text();
    }
}
