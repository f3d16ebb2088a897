package dev.fastbook.collab.implicit;

import java.util.Arrays;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Implicit feedback as a table the DataLoaders take: "bought / not bought", clicks or views are
 * (user, item) pairs with no rating, and a rating can be turned into one ("4 stars or more means
 * liked"). Either way the result has the user and item columns and a {@code positive} column of
 * ones, one row per distinct pair; what is absent counts as not bought.
 *
 * <pre>{@code
 * var bought = Positives.of(orders, "customer", "product");
 * var dls = CollabDataLoaders.from(bought).ratingName(Positives.COLUMN).validPctByUser(0.2).seed(42).build();
 * var ease = Ease.fit(Interactions.of(dls), 200);            // item models
 * var bprDls = BprDataLoaders.from(dls, 64, 42);             // or BPR
 * }</pre>
 */
public final class Positives {
    /** The name of the column of ones. */
    public static final String COLUMN = "positive";

    private Positives() {}

    /** Every row of {@code pairs} is a positive; other columns are dropped, repeated pairs kept once. */
    public static Table of(Table pairs, String userColumn, String itemColumn) {
        require(pairs, userColumn, "user");
        require(pairs, itemColumn, "item");
        if (userColumn.equals(itemColumn)) {
            throw new IllegalArgumentException(
                    "The user and item columns are both '" + userColumn + "': name two columns.");
        }
        Table t = pairs.selectColumns(userColumn, itemColumn).dropDuplicateRows();
        if (t.rowCount() == 0) {
            throw new IllegalArgumentException(
                    "Table " + pairs.name() + " has no rows: implicit feedback needs some (user, item) pairs.");
        }
        double[] ones = new double[t.rowCount()];
        Arrays.fill(ones, 1);
        return t.addColumns(DoubleColumn.create(COLUMN, ones)).setName(pairs.name() + " (positives)");
    }

    /** The rows whose rating is at least {@code threshold} are positives; the others are dropped. */
    public static Table atLeast(
            Table ratings, String userColumn, String itemColumn, String ratingColumn, double threshold) {
        Column<?> c = require(ratings, ratingColumn, "rating");
        if (!(c instanceof NumericColumn<?> r)) {
            throw new IllegalArgumentException("Column '" + ratingColumn + "' of table " + ratings.name() + " holds "
                    + c.type() + ", not numbers: a threshold needs numeric ratings.");
        }
        Table kept = ratings.where(r.isGreaterThanOrEqualTo(threshold));
        if (kept.rowCount() == 0) {
            throw new IllegalArgumentException("No rating in column '" + ratingColumn + "' of table " + ratings.name()
                    + " is at least " + threshold + ": lower the threshold (the ratings run from " + r.min() + " to "
                    + r.max() + ").");
        }
        return of(kept, userColumn, itemColumn);
    }

    private static Column<?> require(Table t, String name, String role) {
        if (name == null || !t.containsColumn(name)) {
            throw new IllegalArgumentException("No column '" + name + "' (the " + role + " column) in table " + t.name()
                    + "; its columns are " + t.columnNames() + ".");
        }
        return t.column(name);
    }
}
