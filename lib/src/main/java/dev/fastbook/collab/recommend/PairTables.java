package dev.fastbook.collab.recommend;

import dev.fastbook.collab.core.Vocab;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * (user, item) pairs between Tablesaw tables and vocabulary indices: a table's pairs read from the
 * columns the vocabularies are named after, and predictions written back as a column.
 */
final class PairTables {
    /** The first {@code n} entries of {@code users} and {@code items}. */
    record Pairs(int[] users, int[] items, int n) {}

    private PairTables() {}

    /** The pairs whose user and item the vocabularies know; the others are skipped. */
    static Pairs known(Table ratings, Vocab users, Vocab items) {
        Column<?> u = column(ratings, users.name());
        Column<?> it = column(ratings, items.name());
        int n = ratings.rowCount();
        int[] ui = new int[n];
        int[] ii = new int[n];
        int kept = 0;
        IntLookup userLookup = IntLookup.of(u, users);
        IntLookup itemLookup = IntLookup.of(it, items);
        for (int r = 0; r < n; r++) {
            int a = userLookup.indexAt(r);
            int b = itemLookup.indexAt(r);
            if (a > 0 && b > 0) {
                ui[kept] = a;
                ii[kept++] = b;
            }
        }
        return new Pairs(ui, ii, kept);
    }

    /** Every pair, the user from training; an unknown user or item is an error naming its row. */
    static Pairs required(Table pairs, Vocab users, Vocab items) {
        Column<?> u = column(pairs, users.name());
        Column<?> it = column(pairs, items.name());
        int n = pairs.rowCount();
        int[] ui = new int[n];
        int[] ii = new int[n];
        for (int r = 0; r < n; r++) {
            try {
                ui[r] = users.requireFromTraining(u.get(r));
                ii[r] = items.require(it.get(r));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Row " + r + " of " + pairs.name() + ": " + e.getMessage(), e);
            }
        }
        return new Pairs(ui, ii, n);
    }

    /** A copy of {@code pairs} with a {@code predicted} column of {@code out} (replaced if it was there). */
    static Table withPredictions(Table pairs, float[] out) {
        int n = pairs.rowCount();
        DoubleColumn predicted = DoubleColumn.create("predicted", n);
        for (int r = 0; r < n; r++) {
            predicted.set(r, Double.parseDouble(Float.toString(out[r]))); // the float's digits, not its binary tail
        }
        Table result = pairs.copy();
        if (result.containsColumn("predicted")) {
            result.removeColumns("predicted");
        }
        return result.addColumns(predicted);
    }

    private static Column<?> column(Table t, String name) {
        if (!t.containsColumn(name)) {
            throw new IllegalArgumentException("Table " + t.name() + " has no column '" + name + "' (it has "
                    + t.columnNames() + "); the model's vocabularies are named after the DataLoaders' columns.");
        }
        return t.column(name);
    }
}
