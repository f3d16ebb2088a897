package dev.fastbook.collab.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Counting values of a table's column, the one way this library ranks "most rated" anything. */
public final class Counts {
    private Counts() {}

    /**
     * The {@code n} most frequent values of {@code column}, most frequent first, ties broken by the
     * values' natural order (smaller ids, or titles alphabetically, first): pandas'
     * {@code value_counts()} order, made deterministic. Counted with Tablesaw's {@code countBy}.
     */
    public static List<Object> mostFrequent(Table table, String column, int n) {
        if (!table.containsColumn(column)) {
            throw new IllegalArgumentException(
                    "No column '" + column + "' in " + table.name() + "; it has " + table.columnNames());
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        Table counts = table.countBy(column);
        Column<?> values = counts.column(0);
        var count = counts.intColumn("Count");
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < counts.rowCount(); r++) {
            if (!values.isMissing(r)) {
                rows.add(r);
            }
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Comparator<Integer> byValue = (a, b) -> ((Comparable) values.get(a)).compareTo(values.get(b));
        rows.sort(Comparator.<Integer>comparingInt(r -> -count.getInt(r)).thenComparing(byValue));
        List<Object> out = new ArrayList<>();
        for (int r : rows.subList(0, Math.min(n, rows.size()))) {
            out.add(values.get(r));
        }
        return out;
    }
}
