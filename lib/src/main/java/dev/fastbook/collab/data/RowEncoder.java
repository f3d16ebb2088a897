package dev.fastbook.collab.data;

import dev.fastbook.collab.core.Vocab;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * What the training rows taught (the vocabularies of the user, item and extra categorical columns,
 * the continuous columns' means and deviations), applied to any rows of any table with those
 * columns: the training rows, a split's validation rows, a given validation or test table.
 */
final class RowEncoder {
    final ColumnRoles roles;
    final Vocab users, items;
    final List<Vocab> cats;
    final List<Normalize> conts;

    private RowEncoder(ColumnRoles roles, Vocab users, Vocab items, List<Vocab> cats, List<Normalize> conts) {
        this.roles = roles;
        this.users = users;
        this.items = items;
        this.cats = cats;
        this.conts = conts;
    }

    /**
     * Learns from {@code trainRows} of {@code t}. With {@code textFromAllRows}, a text column's
     * vocabulary comes from every row of {@code t}, as fastai's chapter gets its 1665 titles; numbers
     * always from the training rows only.
     */
    static RowEncoder fit(
            Table t,
            ColumnRoles roles,
            List<String> catNames,
            List<String> contNames,
            int[] trainRows,
            boolean textFromAllRows) {
        Vocab users = vocab(t.column(roles.user()), trainRows, textFromAllRows);
        Vocab items = vocab(t.column(roles.item()), trainRows, textFromAllRows);
        List<Vocab> cats = new ArrayList<>();
        for (String name : catNames) {
            cats.add(vocab(column(t, name, "categorical"), trainRows, textFromAllRows));
        }
        List<Normalize> conts = new ArrayList<>();
        for (String name : contNames) {
            conts.add(Normalize.fit(t, name, trainRows));
        }
        return new RowEncoder(roles, users, items, List.copyOf(cats), List.copyOf(conts));
    }

    private static Vocab vocab(Column<?> c, int[] trainRows, boolean textFromAllRows) {
        return Categorify.vocab(c, textFromAllRows && c instanceof StringColumn ? null : trainRows);
    }

    /** A loader of {@code rows} of {@code t}, coded under what training taught. */
    TabDataLoader loader(Table t, int[] rows, int bs, boolean training, TabDataLoader.Shuffler shuffler) {
        int n = rows.length;
        // user, item and rating of a row read in one step, as rows come in a random order
        Categorify.Coder userCoder = Categorify.coder(column(t, roles.user(), "user"), users, n);
        Categorify.Coder itemCoder = Categorify.coder(column(t, roles.item(), "item"), items, n);
        RatingReader ratingOf = ratingReader(column(t, roles.rating(), "rating"));
        int[] user = new int[n], item = new int[n];
        float[] rating = new float[n];
        for (int k = 0; k < n; k++) {
            int row = rows[k];
            user[k] = userCoder.code(row);
            item[k] = itemCoder.code(row);
            rating[k] = ratingOf.get(row);
        }
        int[][] catCodes = new int[cats.size()][];
        for (int j = 0; j < cats.size(); j++) {
            catCodes[j] = Categorify.codes(column(t, cats.get(j).name(), "categorical"), cats.get(j), rows);
        }
        float[][] contValues = new float[conts.size()][];
        for (int j = 0; j < conts.size(); j++) {
            contValues[j] = conts.get(j).apply(t, rows);
        }
        int na = 0;
        if (!training) {
            for (int k = 0; k < rows.length; k++) {
                if (user[k] == 0 || item[k] == 0) {
                    na++;
                }
            }
        }
        return new TabDataLoader(user, item, rating, catCodes, contValues, na, bs, training, shuffler);
    }

    /** {@code rows} of {@code dl} decoded back to names and values: the inverse of {@link #loader}. */
    Table decode(TabDataLoader dl, int[] rows) {
        StringColumn u = StringColumn.create(roles.user());
        StringColumn it = StringColumn.create(roles.item());
        List<StringColumn> catCols = new ArrayList<>();
        cats.forEach(v -> catCols.add(StringColumn.create(v.name())));
        List<DoubleColumn> contCols = new ArrayList<>();
        conts.forEach(c -> contCols.add(DoubleColumn.create(c.name())));
        DoubleColumn r = DoubleColumn.create(roles.rating());
        for (int row : rows) {
            u.append(users.get(dl.user(row)));
            it.append(items.get(dl.item(row)));
            for (int j = 0; j < catCols.size(); j++) {
                catCols.get(j).append(cats.get(j).get(dl.cat(j, row)));
            }
            for (int j = 0; j < contCols.size(); j++) {
                contCols.get(j).append(conts.get(j).decode(dl.cont(j, row)));
            }
            r.append(dl.rating(row));
        }
        List<Column<?>> columns = new ArrayList<>(List.of(u, it));
        columns.addAll(catCols);
        columns.addAll(contCols);
        columns.add(r);
        return Table.create("batch", columns);
    }

    static Column<?> column(Table t, String name, String what) {
        if (!t.containsColumn(name)) {
            throw new IllegalArgumentException(
                    "No column '" + name + "' (the " + what + " column of the training table)"
                            + " in table " + t.name() + "; its columns are " + ColumnRoles.describe(t)
                            + ". A validation or test table needs the training table's columns.");
        }
        return t.column(name);
    }

    // ---- ratings --------------------------------------------------------------------------

    /** A rating by row, read without boxing for the usual column types. */
    @FunctionalInterface
    interface RatingReader {
        float get(int row);
    }

    static RatingReader ratingReader(Column<?> c) {
        if (c instanceof DoubleColumn d) {
            return row -> (float) d.getDouble(row);
        }
        if (c instanceof FloatColumn f) {
            return f::getFloat;
        }
        if (c instanceof IntColumn i) {
            return i::getInt;
        }
        if (!(c instanceof NumberColumn<?, ?> num)) {
            throw new IllegalArgumentException("The rating column '" + c.name() + "' holds "
                    + c.type().name().toLowerCase(java.util.Locale.ROOT) + " values, not numbers.");
        }
        return row -> (float) num.getDouble(row);
    }

    /** Every rating must be a finite number: the first bad row is named. Returns {min, max}. */
    static double[] checkRatings(Table t, String name) {
        Column<?> c = column(t, name, "rating");
        RatingReader r = ratingReader(c);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < c.size(); i++) {
            float v = r.get(i);
            if (c.isMissing(i) || !Float.isFinite(v)) {
                boolean missing = c.isMissing(i) && !(c instanceof DoubleColumn || c instanceof FloatColumn);
                throw new IllegalArgumentException("Rating column '" + c.name() + "' of table " + t.name() + " has "
                        + (missing ? "a missing value" : Float.isNaN(v) ? "a missing value (NaN)" : "'" + v + "'")
                        + " at row " + i + ": ratings must be finite numbers. Drop or fix that row.");
            }
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new double[] {lo, hi};
    }
}
