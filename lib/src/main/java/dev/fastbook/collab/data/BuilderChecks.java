package dev.fastbook.collab.data;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.Table;

/** The checks of a {@link CollabDataLoaders.Builder}'s settings, each failure saying what to change. */
final class BuilderChecks {
    private BuilderChecks() {}

    /** A table with rows, a batch size of at least 1, and extra columns that exist, each named once; returns them. */
    static List<String> settings(Table t, int bs, List<String> catNames, List<String> contNames) {
        if (t == null || t.rowCount() == 0) {
            throw new IllegalArgumentException(
                    "The ratings table is empty: load some ratings first (e.g. MovieLens.ratings()).");
        }
        if (bs < 1) {
            throw new IllegalArgumentException("The batch size must be at least 1, got " + bs);
        }
        List<String> extras = new ArrayList<>(catNames);
        extras.addAll(contNames);
        for (String name : extras) {
            if (!t.containsColumn(name)) {
                throw new IllegalArgumentException("No column '" + name + "' (named in catNames/contNames) in table "
                        + t.name() + "; its columns are " + ColumnRoles.describe(t) + ".");
            }
            if (extras.indexOf(name) != extras.lastIndexOf(name)) {
                throw new IllegalArgumentException(
                        "Column '" + name + "' is named twice in catNames/contNames; name it once.");
            }
        }
        return extras;
    }

    /** At least one full batch of training rows. */
    static void batchFits(int bs, int nTrain) {
        if (bs > nTrain) {
            throw new IllegalArgumentException("Batch size " + bs + " does not fit: there are " + nTrain
                    + " training rows. Use a batch size between 1 and " + nTrain + ".");
        }
    }
}
