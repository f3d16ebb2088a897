package dev.fastbook.collab.data;

import dev.fastbook.collab.core.Counts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.aggregate.PivotTable;
import tech.tablesaw.api.CategoricalColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.ShortColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.selection.BitmapBackedSelection;
import tech.tablesaw.selection.Selection;

/**
 * A {@link Crosstab}'s grid: the most frequent row and column keys, each ascending, and the
 * Tablesaw pivot (the mean of each pair's values) of their rows, NaN where a pair has none.
 */
record CrosstabPivot(List<Integer> rowKeys, List<Integer> columnKeys, double[][] values, boolean wholeNumbers) {

    static CrosstabPivot of(
            Table table, String rowColumn, String columnColumn, String valueColumn, int nRows, int nColumns) {
        NumericColumn<?> rows = keyColumn(table, rowColumn);
        NumericColumn<?> cols = keyColumn(table, columnColumn);
        Column<?> valueCol = table.column(valueColumn);
        if (!(valueCol instanceof NumericColumn<?> vals)) {
            throw new IllegalArgumentException(
                    "value column '" + valueColumn + "' must be numeric but is " + valueCol.type());
        }
        List<Integer> rowKeys = mostFrequent(table, rowColumn, nRows);
        List<Integer> columnKeys = mostFrequent(table, columnColumn, nColumns);
        Map<Integer, Integer> rowIndex = indexOf(rowKeys);
        Map<Integer, Integer> colIndex = indexOf(columnKeys);

        // Only the rows of the chosen keys go to the pivot (a few hundred of 100,000 for 15 x 15).
        Selection chosen = new BitmapBackedSelection();
        for (int i = 0; i < table.rowCount(); i++) {
            if (!rows.isMissing(i)
                    && !cols.isMissing(i)
                    && !vals.isMissing(i)
                    && rowIndex.containsKey((int) rows.getDouble(i))
                    && colIndex.containsKey((int) cols.getDouble(i))) {
                chosen.add(i);
            }
        }
        Table subset = table.where(chosen);
        double[][] values = new double[rowKeys.size()][columnKeys.size()];
        for (double[] row : values) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        if (subset.rowCount() > 0) {
            Table pivot = PivotTable.pivot(
                    subset,
                    (CategoricalColumn<?>) subset.column(rowColumn),
                    (CategoricalColumn<?>) subset.column(columnColumn),
                    (NumericColumn<?>) subset.column(valueColumn),
                    AggregateFunctions.mean);
            NumericColumn<?> pivotKeys = pivot.numberColumn(0);
            for (int p = 0; p < pivot.rowCount(); p++) {
                int r = rowIndex.get((int) pivotKeys.getDouble(p));
                for (int c = 0; c < columnKeys.size(); c++) {
                    String name = String.valueOf(columnKeys.get(c));
                    if (pivot.containsColumn(name) && !pivot.numberColumn(name).isMissing(p)) {
                        values[r][c] = pivot.numberColumn(name).getDouble(p);
                    }
                }
            }
        }
        boolean whole = vals instanceof IntColumn || vals instanceof ShortColumn || vals instanceof LongColumn;
        for (double[] row : values) {
            for (double v : row) {
                whole &= Double.isNaN(v) || v == Math.rint(v);
            }
        }
        return new CrosstabPivot(rowKeys, columnKeys, values, whole);
    }

    private static NumericColumn<?> keyColumn(Table table, String name) {
        Column<?> column = table.column(name);
        if (column instanceof IntColumn || column instanceof ShortColumn || column instanceof LongColumn) {
            return (NumericColumn<?>) column;
        }
        throw new IllegalArgumentException(
                "key column '" + name + "' must hold whole numbers (ids) but is " + column.type());
    }

    /** The n most frequent keys (ties: smaller key first), returned in ascending order. */
    private static List<Integer> mostFrequent(Table table, String column, int n) {
        return Counts.mostFrequent(table, column, n).stream()
                .map(k -> ((Number) k).intValue())
                .sorted()
                .toList();
    }

    private static Map<Integer, Integer> indexOf(List<Integer> keys) {
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            index.put(keys.get(i), i);
        }
        return index;
    }
}
