package dev.fastbook.collab.data;

import dev.fastbook.collab.core.Counts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.BiFunction;

import dev.fastbook.collab.display.Display;
import dev.fastbook.collab.display.Displayable;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.ShortColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The book's picture of collaborative filtering: the most active users (rows) against the most
 * rated movies (columns), a rating where the user rated the movie and a blank where not. The
 * blanks are what the model learns to fill in.
 *
 * <pre>{@code
 * Crosstab.mostActive(ratings, 15, 15)   // shows as an HTML table in a notebook
 * }</pre>
 */
public final class Crosstab implements Displayable {

    private final String rowName;
    private final String columnName;
    private final String valueName;
    private final List<Integer> rowKeys;
    private final List<Integer> columnKeys;
    private final double[][] values; // NaN = blank
    private final boolean wholeNumbers;

    private Crosstab(String rowName, String columnName, String valueName,
                     List<Integer> rowKeys, List<Integer> columnKeys, double[][] values, boolean wholeNumbers) {
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
    public static Crosstab mostActive(Table table, String rowColumn, String columnColumn, String valueColumn,
                                      int nRows, int nColumns) {
        if (nRows < 1 || nColumns < 1) {
            throw new IllegalArgumentException("nRows and nColumns must be at least 1, got " + nRows + " and " + nColumns);
        }
        NumericColumn<?> rows = keyColumn(table, rowColumn);
        NumericColumn<?> cols = keyColumn(table, columnColumn);
        Column<?> valueCol = table.column(valueColumn);
        if (!(valueCol instanceof NumericColumn<?> vals)) {
            throw new IllegalArgumentException("value column '" + valueColumn + "' must be numeric but is " + valueCol.type());
        }
        List<Integer> rowKeys = mostFrequent(table, rowColumn, nRows);
        List<Integer> columnKeys = mostFrequent(table, columnColumn, nColumns);
        Map<Integer, Integer> rowIndex = indexOf(rowKeys);
        Map<Integer, Integer> colIndex = indexOf(columnKeys);

        double[][] sum = new double[rowKeys.size()][columnKeys.size()];
        int[][] count = new int[rowKeys.size()][columnKeys.size()];
        for (int i = 0; i < table.rowCount(); i++) {
            Integer r = rows.isMissing(i) ? null : rowIndex.get((int) rows.getDouble(i));
            Integer c = cols.isMissing(i) ? null : colIndex.get((int) cols.getDouble(i));
            if (r != null && c != null && !vals.isMissing(i)) {
                sum[r][c] += vals.getDouble(i);
                count[r][c]++;
            }
        }
        boolean whole = vals instanceof IntColumn || vals instanceof ShortColumn || vals instanceof LongColumn;
        double[][] values = new double[rowKeys.size()][columnKeys.size()];
        for (int r = 0; r < values.length; r++) {
            for (int c = 0; c < values[r].length; c++) {
                values[r][c] = count[r][c] == 0 ? Double.NaN : sum[r][c] / count[r][c];
                whole &= count[r][c] == 0 || values[r][c] == Math.rint(values[r][c]);
            }
        }
        return new Crosstab(rowColumn, columnColumn, valueColumn, rowKeys, columnKeys, values, whole);
    }

    private static NumericColumn<?> keyColumn(Table table, String name) {
        Column<?> column = table.column(name);
        if (column instanceof IntColumn || column instanceof ShortColumn || column instanceof LongColumn) {
            return (NumericColumn<?>) column;
        }
        throw new IllegalArgumentException("key column '" + name + "' must hold whole numbers (ids) but is " + column.type());
    }

    /** The n most frequent keys (ties: smaller key first), returned in ascending order. */
    private static List<Integer> mostFrequent(Table table, String column, int n) {
        return Counts.mostFrequent(table, column, n).stream().map(k -> ((Number) k).intValue()).sorted().toList();
    }

    private static Map<Integer, Integer> indexOf(List<Integer> keys) {
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            index.put(keys.get(i), i);
        }
        return index;
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
        int r = rowKeys.indexOf(rowKey);
        int c = columnKeys.indexOf(columnKey);
        if (r < 0 || c < 0) {
            throw new IllegalArgumentException(rowName + " " + rowKey + " / " + columnName + " " + columnKey
                    + " is not in this crosstab; its " + rowName + " keys are " + rowKeys
                    + " and its " + columnName + " keys " + columnKeys);
        }
        double v = values[r][c];
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
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
                    throw new IllegalArgumentException("The prediction for " + rowName + " " + rowKeys.get(r) + " / "
                            + columnName + " " + columnKeys.get(c) + " is " + p + "; every blank needs a finite number.");
                }
                filled[r][c] = p;
                predicted[r][c] = true;
            }
        }
        return new Filled(filled, predicted);
    }

    /** A crosstab whose blanks hold predictions: see {@link #withPredictions(BiFunction)}. */
    public final class Filled implements Displayable {
        private static final String PREDICTED_STYLE = "font-style:italic;color:#1f5fa8;background-color:#e8f0fb";
        private final double[][] filled;
        private final boolean[][] predicted;

        private Filled(double[][] filled, boolean[][] predicted) {
            this.filled = filled;
            this.predicted = predicted;
        }

        public List<Integer> rowKeys() {
            return rowKeys;
        }

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

        private int row(int rowKey) {
            int r = rowKeys.indexOf(rowKey);
            if (r < 0) {
                throw new IllegalArgumentException(rowName + " " + rowKey + " is not in this crosstab; its " + rowName
                        + " keys are " + rowKeys);
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

        @Override
        public Map<String, String> mimeBundle() {
            return Displayable.htmlAndText(html(), text());
        }

        private String html() {
            String caption = "<caption>" + Display.escape(valueName + " by " + rowName + " and " + columnName + "; ")
                    + "<span style=\"" + PREDICTED_STYLE + "\">predicted where blank</span></caption>\n";
            return htmlGrid(caption, (r, c) -> predicted[r][c]
                    ? "<td class=\"predicted\" style=\"" + PREDICTED_STYLE + "\">" + formatPrediction(filled[r][c]) + "</td>"
                    : "<td>" + format(filled[r][c]) + "</td>");
        }

        /** Right-aligned grid; predictions in brackets. */
        private String text() {
            String[][] cells = new String[rowKeys.size()][columnKeys.size()];
            for (int r = 0; r < cells.length; r++) {
                for (int c = 0; c < cells[r].length; c++) {
                    cells[r][c] = predicted[r][c] ? "(" + formatPrediction(filled[r][c]) + ")" : format(filled[r][c]);
                }
            }
            return grid(cells);
        }

        @Override
        public String toString() {
            return text();
        }
    }

    /** Predictions with one decimal, like the spreadsheet's. */
    private static String formatPrediction(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    /** As a Tablesaw table: the row key column, then one column per column key; blanks are missing values. */
    public Table toTable() {
        Table table = Table.create(valueName + " by " + rowName + " and " + columnName);
        table.addColumns(IntColumn.create(rowName, rowKeys.stream().mapToInt(Integer::intValue).toArray()));
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

    @Override
    public Map<String, String> mimeBundle() {
        return Displayable.htmlAndText(html(), text());
    }

    // Jupyter right-aligns table cells itself; a blank stays a bare <td></td>.
    private String html() {
        return htmlGrid("", (r, c) -> "<td>" + format(values[r][c]) + "</td>");
    }

    /** The HTML table: a header of column keys, each row led by its row key, cells as given. */
    private String htmlGrid(String caption, java.util.function.BiFunction<Integer, Integer, String> cell) {
        StringBuilder out = new StringBuilder("<table class=\"dataframe crosstab\">\n").append(caption)
                .append("<thead><tr><th>").append(Display.escape(rowName + " \\ " + columnName)).append("</th>");
        for (int key : columnKeys) {
            out.append("<th>").append(key).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < rowKeys.size(); r++) {
            out.append("<tr><th>").append(rowKeys.get(r)).append("</th>");
            for (int c = 0; c < columnKeys.size(); c++) {
                out.append(cell.apply(r, c));
            }
            out.append("</tr>\n");
        }
        return out.append("</tbody>\n</table>").toString();
    }

    /** Right-aligned grid, blanks left empty. */
    private String text() {
        String[][] cells = new String[rowKeys.size()][columnKeys.size()];
        for (int r = 0; r < cells.length; r++) {
            for (int c = 0; c < cells[r].length; c++) {
                cells[r][c] = format(values[r][c]);
            }
        }
        return grid(cells);
    }

    /** The cells under a header of column keys, each row led by its row key, right-aligned. */
    private String grid(String[][] cells) {
        List<String[]> lines = new ArrayList<>();
        String[] header = new String[columnKeys.size() + 1];
        header[0] = rowName + " \\ " + columnName;
        for (int c = 0; c < columnKeys.size(); c++) {
            header[c + 1] = String.valueOf(columnKeys.get(c));
        }
        lines.add(header);
        for (int r = 0; r < rowKeys.size(); r++) {
            String[] line = new String[columnKeys.size() + 1];
            line[0] = String.valueOf(rowKeys.get(r));
            System.arraycopy(cells[r], 0, line, 1, columnKeys.size());
            lines.add(line);
        }
        int[] width = new int[header.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                out.append(i == 0 ? "" : "  ").append(" ".repeat(width[i] - line[i].length())).append(line[i]);
            }
            out.append('\n');
        }
        return out.toString().stripTrailing();
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
    public String toString() {
        return text();
    }
}
