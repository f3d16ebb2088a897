package dev.fastbook.collab.data;

import it.unimi.dsi.fastutil.longs.Long2ObjectLinkedOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.selection.BitmapBackedSelection;

/**
 * What to do with rows that rate a (user, item) pair already rated: fastai keeps them all (each is
 * one more training row), so {@link #KEEP} is the default; either way they are counted and
 * reported once, with an example, because contradictory ratings are usually a join gone wrong.
 */
public enum Duplicates {
    /** Keep every row, as fastai does; reported once. */
    KEEP,
    /** One row per pair, its rating the mean of the pair's ratings (the first row's other columns). */
    AVERAGE,
    /** Refuse the table, saying how many rows repeat a pair and where. */
    REFUSE;

    /** Running figures of one repeated pair. */
    private static final class Pair {
        final int first;
        int count, other = -1;
        double sum;

        Pair(int first) {
            this.first = first;
        }
    }

    /** {@code t} as this choice wants it; prints one line when any pair is rated more than once. */
    Table apply(Table t, String user, String item, String rating) {
        long[] sorted = keys(t, user, item); // sorted in place; the row order is rebuilt only when a pair repeats
        Arrays.sort(sorted);
        LongOpenHashSet repeated = new LongOpenHashSet();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                repeated.add(sorted[i]);
            }
        }
        if (repeated.isEmpty()) {
            return t;
        }
        long[] keys = keys(t, user, item);
        String name = t.name() == null ? "the table" : t.name();
        NumericColumn<?> r = t.numberColumn(rating);
        Long2ObjectLinkedOpenHashMap<Pair> pairs = new Long2ObjectLinkedOpenHashMap<>();
        int extraRows = 0;
        for (int row = 0; row < keys.length; row++) {
            if (repeated.contains(keys[row])) {
                Pair p = pairs.get(keys[row]);
                if (p == null) {
                    pairs.put(keys[row], p = new Pair(row));
                } else {
                    extraRows++;
                    if (p.other < 0 && r.getDouble(row) != r.getDouble(p.first)) {
                        p.other = row;
                    }
                }
                p.count++;
                p.sum += r.getDouble(row);
            }
        }
        Pair example =
                pairs.values().stream().filter(p -> p.other >= 0).findFirst().orElse(null);
        long contradictory = pairs.values().stream().filter(p -> p.other >= 0).count();
        Pair shown = example != null ? example : pairs.values().iterator().next();
        int second = example != null ? example.other : secondRow(keys, shown.first);
        // a table read by fromCsv is named after its file: there row r is line r + 2 (after the header)
        String lines = name.endsWith(".csv")
                ? String.format(Locale.ROOT, " (lines %d and %d of %s)", shown.first + 2, second + 2, name)
                : "";
        String what = String.format(
                Locale.ROOT,
                "%,d rows of %s rate a (%s, %s) pair already rated (%,d pairs, %,d of them"
                        + " with different ratings), e.g. rows %d and %d%s: %s %s, %s %s, ratings %s and %s",
                extraRows,
                name,
                user,
                item,
                pairs.size(),
                contradictory,
                shown.first,
                second,
                lines,
                user,
                t.column(user).getString(shown.first),
                item,
                t.column(item).getString(shown.first),
                r.getString(shown.first),
                r.getString(second));
        switch (this) {
            case REFUSE ->
                throw new IllegalArgumentException("CollabDataLoaders: " + what + ". Remove the repeats, or choose"
                        + " duplicates(Duplicates.KEEP) (fastai's way) or duplicates(Duplicates.AVERAGE).");
            case KEEP -> {
                System.out.println("CollabDataLoaders: " + what + "; all kept, as fastai does"
                        + " (duplicates(Duplicates.AVERAGE) or duplicates(Duplicates.REFUSE) to change that)");
                return t;
            }
            default -> {
                System.out.println("CollabDataLoaders: " + what + "; each pair averaged into one row");
                return averaged(t, keys, pairs, rating);
            }
        }
    }

    private static int secondRow(long[] keys, int first) {
        for (int row = first + 1; row < keys.length; row++) {
            if (keys[row] == keys[first]) {
                return row;
            }
        }
        throw new IllegalStateException("a repeated pair occurs twice");
    }

    private static Table averaged(Table t, long[] keys, Long2ObjectLinkedOpenHashMap<Pair> pairs, String rating) {
        BitmapBackedSelection keep = new BitmapBackedSelection();
        for (int row = 0; row < keys.length; row++) {
            Pair p = pairs.get(keys[row]);
            if (p == null || p.first == row) {
                keep.add(row);
            }
        }
        Table out = t.where(keep);
        DoubleColumn means = DoubleColumn.create(rating, out.rowCount());
        NumericColumn<?> r = t.numberColumn(rating);
        int i = 0;
        for (int row = 0; row < keys.length; row++) {
            Pair p = pairs.get(keys[row]);
            if (p == null || p.first == row) {
                means.set(i++, p == null ? r.getDouble(row) : p.sum / p.count);
            }
        }
        out.replaceColumn(rating, means);
        return out.setName(t.name());
    }

    /** One long per row: the user's code in the high half, the item's in the low half. */
    private static long[] keys(Table t, String user, String item) {
        int[] u = codes(t.column(user));
        int[] v = codes(t.column(item));
        long[] keys = new long[u.length];
        for (int row = 0; row < keys.length; row++) {
            keys[row] = (long) u[row] << 32 | (v[row] & 0xffffffffL);
        }
        return keys;
    }

    private static int[] codes(Column<?> c) {
        int[] out = new int[c.size()];
        if (c instanceof IntColumn ints) {
            for (int row = 0; row < out.length; row++) {
                out[row] = ints.getInt(row);
            }
            return out;
        }
        Map<Object, Integer> seen = new HashMap<>();
        for (int row = 0; row < out.length; row++) {
            out[row] = seen.computeIfAbsent(c.get(row), k -> seen.size());
        }
        return out;
    }
}
