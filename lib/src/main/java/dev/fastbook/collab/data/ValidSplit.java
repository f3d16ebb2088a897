package dev.fastbook.collab.data;

import java.util.Random;
import tech.tablesaw.api.Table;

/**
 * Which rows validate, as a {@link CollabDataLoaders.Builder} was told: a random share (fastai's
 * {@code valid_pct}, the default), a share of each user's rows, one of k folds, or a given table;
 * one way only.
 */
final class ValidSplit {
    double pct = 0.2;
    Double pctByUser;
    Table table;
    int fold, folds;

    /** The table whose rows validate: the given one, else the ratings' own. */
    Table rows(Table ratings) {
        return table == null ? ratings : table;
    }

    /** The training rows of {@code t} and the validation rows of {@link #rows(Table)}; refuses two ways at once. */
    Splitter.Split split(Table t, String userColumn, Long seed) {
        int n = t.rowCount();
        int ways = (table != null ? 1 : 0) + (folds > 0 ? 1 : 0) + (pctByUser != null ? 1 : 0);
        if (ways > 1) {
            throw new IllegalArgumentException("Choose one way to validate: valid(table), validFold(fold, folds) or"
                    + " validPctByUser(pct); this builder was given " + ways + " of them.");
        }
        if (table != null) {
            return new Splitter.Split(Splitter.allRows(n), Splitter.allRows(table.rowCount()));
        }
        Random random = seed == null ? new Random() : new Random(seed);
        if (folds > 0) {
            return Splitter.fold(n, fold, folds, random);
        }
        if (pctByUser != null) {
            Splitter.Split s = Splitter.byUser(t.column(userColumn), pctByUser, random);
            if (s.valid().length == 0 || s.train().length == 0) {
                throw new IllegalArgumentException("validPctByUser(" + pctByUser + ") leaves " + s.train().length
                        + " training and " + s.valid().length + " validation rows in " + n
                        + " rows: each user's rows are"
                        + " split by that share, so use a share nearer 0.5 or a table with more ratings per user.");
            }
            return s;
        }
        return Splitter.random(n, pct, random);
    }

    /** The training ratings' range, widened by a given validation table's ratings (checked as the training ones). */
    double[] widen(double[] range, String ratingColumn) {
        if (table == null) {
            return range;
        }
        if (table.rowCount() == 0) {
            throw new IllegalArgumentException("The validation table " + table.name() + " is empty.");
        }
        double[] validRange = RowEncoder.checkRatings(table, ratingColumn);
        return new double[] {Math.min(range[0], validRange[0]), Math.max(range[1], validRange[1])};
    }
}
