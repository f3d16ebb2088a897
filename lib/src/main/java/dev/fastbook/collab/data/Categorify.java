package dev.fastbook.collab.data;

import dev.fastbook.collab.core.Vocab;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.ShortColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.columns.Column;

/**
 * fastai's {@code Categorify}: a column's vocabulary ({@code #na#} first) learnt from some rows, and
 * the codes of any rows, of this table or another, under it. A value the vocabulary lacks codes to
 * 0 ({@code #na#}). Integer ids take a path with no String or boxed value per row, since at 25M
 * rows that path decides how long building the loaders takes.
 */
final class Categorify {
    private Categorify() {}

    // Ids spanning at most this many values (and not many more than there are rows) are coded by
    // a dense lookup table; others by binary search in the sorted vocabulary.
    private static final long DENSE_LIMIT = 1 << 25;

    /** The vocabulary of {@code c}'s values in {@code rows} (all rows when null); a missing value is an error. */
    static Vocab vocab(Column<?> c, int[] rows) {
        IntIds ids = IntIds.of(c);
        int n = rows == null ? c.size() : rows.length;
        if (ids != null) {
            // the range over every row, read in order (cheap), sizes the table that marks the rows' ids
            int min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
            for (int row = 0; row < c.size(); row++) {
                if (c.isMissing(row)) {
                    throw missing(c, row);
                }
                int v = ids.get(row);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            return Vocab.ofInts(c.name(), n == 0 ? new int[0] : distinctInts(ids, rows, n, min, max, c.size()));
        }
        if (c instanceof StringColumn s && rows == null) {
            checkNoneMissing(c);
            return Vocab.of(c.name(), s.unique().asList());
        }
        List<Object> values = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            values.add(value(c, rows == null ? k : rows[k]));
        }
        return Vocab.of(c.name(), values);
    }

    /** A row's code under a vocabulary. */
    @FunctionalInterface
    interface Coder {
        int code(int row);
    }

    /** The codes of {@code c}'s values in {@code rows}, in that order; a missing value is an error. */
    static int[] codes(Column<?> c, Vocab vocab, int[] rows) {
        Coder coder = coder(c, vocab, rows.length);
        int[] out = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            out[k] = coder.code(rows[k]);
        }
        return out;
    }

    /**
     * How {@code c}'s rows find their codes under {@code vocab}, for coding about {@code n} rows:
     * integer ids through a dense table over the vocabulary's range when it is not much larger than
     * that, else by binary search; anything else by its text. A missing value is an error.
     */
    static Coder coder(Column<?> c, Vocab vocab, int n) {
        IntIds ids = IntIds.of(c);
        if (ids == null) {
            return row -> vocab.indexOf(value(c, row));
        }
        int min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
        int[] known = new int[vocab.size()];
        boolean[] isInt = new boolean[vocab.size()];
        for (int i = 1; i < vocab.size(); i++) {
            Integer id = asInt(vocab.get(i));
            if (id != null) {
                known[i] = id;
                isInt[i] = true;
                min = Math.min(min, id);
                max = Math.max(max, id);
            }
        }
        long range = (long) max - min + 1;
        if (min <= max && range <= Math.min(DENSE_LIMIT, Math.max(2L * n, 1 << 20))) {
            int[] lookup = new int[(int) range]; // 0 (#na#) where no known id
            for (int i = 1; i < vocab.size(); i++) {
                if (isInt[i]) {
                    lookup[known[i] - min] = i;
                }
            }
            final int base = min;
            return row -> {
                if (c.isMissing(row)) {
                    throw missing(c, row);
                }
                long at = (long) ids.get(row) - base;
                return at >= 0 && at < lookup.length ? lookup[(int) at] : 0;
            };
        }
        return row -> {
            if (c.isMissing(row)) {
                throw missing(c, row);
            }
            return vocab.indexOfInt(ids.get(row));
        };
    }

    // The sorted distinct ids of the rows: marked in a table when their range is small, else sorted.
    private static int[] distinctInts(IntIds ids, int[] rows, int n, int min, int max, int size) {
        long range = (long) max - min + 1;
        if (range <= Math.min(DENSE_LIMIT, Math.max(2L * size, 1 << 20))) {
            boolean[] seen = new boolean[(int) range];
            int count = 0;
            for (int k = 0; k < n; k++) {
                int i = ids.get(rows == null ? k : rows[k]) - min;
                if (!seen[i]) {
                    seen[i] = true;
                    count++;
                }
            }
            int[] out = new int[count];
            int next = 0;
            for (int i = 0; i < seen.length; i++) {
                if (seen[i]) {
                    out[next++] = i + min;
                }
            }
            return out;
        }
        int[] values = new int[n];
        for (int k = 0; k < n; k++) {
            values[k] = ids.get(rows == null ? k : rows[k]);
        }
        Arrays.sort(values);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || values[i] != values[i - 1]) {
                values[count++] = values[i];
            }
        }
        return Arrays.copyOf(values, count);
    }

    private static Integer asInt(String s) {
        try {
            Integer v = Integer.valueOf(s);
            return v.toString().equals(s) ? v : null; // "007" is not the id 7 (indexOf compares text)
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void checkNoneMissing(Column<?> c) {
        for (int row = 0; row < c.size(); row++) {
            if (c.isMissing(row)) {
                throw missing(c, row);
            }
        }
    }

    private static Object value(Column<?> c, int row) {
        if (c.isMissing(row)) {
            throw missing(c, row);
        }
        return c.get(row);
    }

    static IllegalArgumentException missing(Column<?> c, int row) {
        return new IllegalArgumentException("Column '" + c.name() + "' has a missing value at row " + row
                + ": drop or fill missing rows before building DataLoaders.");
    }

    /** Int ids read without boxing, for Int, Short and Long columns whose values fit an int. */
    @FunctionalInterface
    private interface IntIds {
        int get(int row);

        static IntIds of(Column<?> c) {
            if (c instanceof IntColumn ic) {
                return ic::getInt;
            }
            if (c instanceof ShortColumn sc) {
                return sc::getShort;
            }
            if (c instanceof LongColumn lc) {
                for (int row = 0; row < lc.size(); row++) {
                    long v = lc.getLong(row);
                    if (!lc.isMissing(row) && (v < Integer.MIN_VALUE + 1 || v > Integer.MAX_VALUE)) {
                        // Larger ids work as categories on the general path; only this path needs ints.
                        return null;
                    }
                }
                return row -> (int) lc.getLong(row);
            }
            return null;
        }
    }
}
