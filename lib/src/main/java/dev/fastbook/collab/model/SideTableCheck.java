package dev.fastbook.collab.model;

import dev.fastbook.collab.core.Vocab;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The checks a side table passes before its columns become features: one row per id (a repeated
 * id is refused), and what is incomplete (ids of the ratings the table lacks, missing values)
 * counted and printed once per table and column, with an example and what the model gets instead.
 */
final class SideTableCheck {
    private final Set<String> reported = new HashSet<>();

    /** The row of each id in {@code table}; refuses a repeated id and reports ids of {@code vocab} it lacks. */
    Map<String, Integer> rowsById(Table table, String idColumn, String column, Vocab vocab) {
        if (!table.columnNames().contains(idColumn) || !table.columnNames().contains(column)) {
            throw new IllegalArgumentException("The side table " + table.name() + " has no column '"
                    + (table.columnNames().contains(idColumn) ? column : idColumn) + "'; its columns are "
                    + table.columnNames());
        }
        Column<?> ids = table.column(idColumn);
        Map<String, Integer> rows = new HashMap<>();
        for (int r = 0; r < table.rowCount(); r++) {
            Integer before = rows.put(ids.getString(r), r);
            if (before != null) {
                throw new IllegalArgumentException(
                        "The side table " + table.name() + " has " + idColumn + " " + ids.getString(r)
                                + " twice (rows " + before + " and " + r + "): a side table has one row per " + idColumn
                                + ". Remove the repeated rows, or aggregate them first.");
            }
        }
        int lacking = 0;
        String example = null;
        for (int i = 1; i < vocab.size(); i++) {
            if (!rows.containsKey(vocab.get(i))) {
                lacking++;
                example = example == null ? vocab.get(i) : example;
            }
        }
        if (lacking > 0) {
            once(
                    table.name() + "/" + idColumn,
                    String.format(
                            Locale.ROOT,
                            "SideFeatures: %,d of %,d %ss are not in the side"
                                    + " table %s (e.g. %s); they get category #na# and zeros.",
                            lacking,
                            vocab.size() - 1,
                            vocab.name(),
                            table.name(),
                            example));
        }
        return rows;
    }

    /** Reports {@code missing} rows of the ratings' ids with no value in {@code column}. */
    void missing(Table table, String column, int missing, String example, Vocab vocab, String instead) {
        if (missing > 0) {
            once(
                    table.name() + "/" + column,
                    String.format(
                            Locale.ROOT,
                            "SideFeatures: column '%s' of %s has no value for" + " %,d %ss (e.g. %s); they get %s.",
                            column,
                            table.name(),
                            missing,
                            vocab.name(),
                            example,
                            instead));
        }
    }

    /** Refuses a flag that is neither 0 nor 1, naming the row's id. */
    static void flag(Table table, String column, String id, double value) {
        if (value != 0 && value != 1) {
            throw new IllegalArgumentException(
                    "Column '" + column + "' of " + table.name() + " holds " + value + " for " + id
                            + ": flags are 0 or 1. Give it as a continuous column (itemContinuous) or fix the value.");
        }
    }

    private void once(String key, String line) {
        if (reported.add(key)) {
            System.out.println(line);
        }
    }
}
