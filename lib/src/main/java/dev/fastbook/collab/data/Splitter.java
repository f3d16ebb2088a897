package dev.fastbook.collab.data;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Which rows train and which validate: fastai's {@code RandomSplitter}, k-fold slices of the same
 * shuffle, and Microsoft Recommenders' {@code python_stratified_split} (each user's rows split by
 * the same share). Usable on a table directly, e.g. to carve a test set before building loaders:
 *
 * <pre>{@code
 * var split = Splitter.byUser(ratings, "user", 0.25, 42);   // 75/25 within every user
 * Table train = split.train(ratings), test = split.valid(ratings);
 * }</pre>
 */
public final class Splitter {
    private Splitter() {}

    /** Row numbers of the training and the validation side, in the order the loaders keep them. */
    public record Split(int[] train, int[] valid) {
        /** The training rows of {@code t}. */
        public Table train(Table t) {
            return t.rows(train);
        }

        /** The validation rows of {@code t}. */
        public Table valid(Table t) {
            return t.rows(valid);
        }
    }

    /**
     * fastai's {@code RandomSplitter}: a random permutation of the rows, the first
     * {@code int(validPct * n)} of it validate.
     */
    public static Split random(int n, double validPct, Random random) {
        checkPct(validPct);
        int nValid = (int) (validPct * n);
        if (nValid == 0) {
            throw noValidationRows(n, validPct);
        }
        int[] perm = permutation(n, random);
        return cut(perm, nValid);
    }

    /**
     * Fold {@code fold} (0-based) of {@code folds}: the rows shuffled once and cut into equal slices,
     * that slice validating. The same random seed for every fold gives slices that do not overlap.
     */
    public static Split fold(int n, int fold, int folds, Random random) {
        checkFold(fold, folds);
        int from = (int) ((long) fold * n / folds);
        int nValid = (int) ((long) (fold + 1) * n / folds) - from;
        int[] perm = permutation(n, random);
        int[] valid = new int[nValid], train = new int[n - nValid];
        System.arraycopy(perm, from, valid, 0, nValid);
        System.arraycopy(perm, 0, train, 0, from);
        System.arraycopy(perm, from + nValid, train, from, n - from - nValid);
        return new Split(train, valid);
    }

    /**
     * Recommenders' {@code python_stratified_split} with {@code ratio = 1 - validPct}: each user's
     * rows in a random order, ranked 1..c; those with {@code rank / c <= 1 - validPct} train, the rest
     * validate. So every user keeps about the same share in each side; a user with a single rating
     * has it validate (1/1 > 0.75), as there. Recommenders draws the order with numpy; ours comes
     * from {@code random}, so the same seed gives another split than theirs.
     */
    public static Split byUser(Column<?> users, double validPct, Random random) {
        checkPct(validPct);
        int n = users.size();
        int[] group = groups(users);
        int groups = 0;
        for (int g : group) {
            groups = Math.max(groups, g + 1);
        }
        // rows grouped by user (a counting sort, users in order of first appearance), then shuffled within
        int[] start = new int[groups + 1];
        for (int g : group) {
            start[g + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            start[g + 1] += start[g];
        }
        int[] next = start.clone();
        int[] byGroup = new int[n];
        for (int row = 0; row < n; row++) {
            byGroup[next[group[row]]++] = row;
        }
        double ratio = 1 - validPct;
        int nTrain = 0;
        int[] trainCount = new int[groups];
        for (int g = 0; g < groups; g++) {
            int from = start[g], c = start[g + 1] - from;
            for (int i = c - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = byGroup[from + i];
                byGroup[from + i] = byGroup[from + j];
                byGroup[from + j] = tmp;
            }
            int t = 0;
            while (t < c && (double) (t + 1) / c <= ratio) {
                t++;
            }
            trainCount[g] = t;
            nTrain += t;
        }
        int[] train = new int[nTrain], valid = new int[n - nTrain];
        int ti = 0, vi = 0;
        for (int g = 0; g < groups; g++) {
            for (int k = start[g]; k < start[g + 1]; k++) {
                if (k - start[g] < trainCount[g]) {
                    train[ti++] = byGroup[k];
                } else {
                    valid[vi++] = byGroup[k];
                }
            }
        }
        return new Split(train, valid);
    }

    /** {@link #byUser(Column, double, Random)} on a table's user column, seeded. */
    public static Split byUser(Table t, String userColumn, double validPct, long seed) {
        if (!t.containsColumn(userColumn)) {
            throw new IllegalArgumentException("No column '" + userColumn + "' in table " + t.name()
                    + "; its columns are " + t.columnNames() + ".");
        }
        return byUser(t.column(userColumn), validPct, new Random(seed));
    }

    /** fastai's RandomSplitter on a table, seeded. */
    public static Split random(Table t, double validPct, long seed) {
        return random(t.rowCount(), validPct, new Random(seed));
    }

    // Each row's user as 0..k-1, numbered in order of first appearance; a missing user is an error.
    private static int[] groups(Column<?> users) {
        int n = users.size();
        int[] group = new int[n];
        if (users instanceof IntColumn ic) {
            Map<Integer, Integer> seen = new HashMap<>();
            for (int row = 0; row < n; row++) {
                if (ic.isMissing(row)) {
                    throw Categorify.missing(users, row);
                }
                group[row] = seen.computeIfAbsent(ic.getInt(row), k -> seen.size());
            }
            return group;
        }
        Map<Object, Integer> seen = new HashMap<>();
        for (int row = 0; row < n; row++) {
            if (users.isMissing(row)) {
                throw Categorify.missing(users, row);
            }
            group[row] = seen.computeIfAbsent(users.get(row), k -> seen.size());
        }
        return group;
    }

    static IllegalArgumentException noValidationRows(int n, double validPct) {
        long rowsNeeded = (long) Math.ceil(1 / validPct);
        while ((int) (validPct * rowsNeeded) < 1) {
            rowsNeeded++;
        }
        // Rounded up, so that the advice itself gives at least one row.
        String pctNeeded = java.math.BigDecimal.valueOf(Math.ceil(1000.0 / n) / 1000)
                .stripTrailingZeros()
                .toPlainString();
        return new IllegalArgumentException("No validation rows: " + n + (n == 1 ? " row" : " rows") + " with validPct "
                + validPct + " gives int(" + validPct + " * " + n + ") = 0 rows to validate on, so the valid"
                + " loss could not be measured. Use at least " + rowsNeeded + " rows"
                + (n < 2
                        ? " (one row cannot be both trained and validated on)"
                        : ", or validPct " + pctNeeded + " or more")
                + ".");
    }

    private static Split cut(int[] perm, int nValid) {
        int[] valid = new int[nValid], train = new int[perm.length - nValid];
        System.arraycopy(perm, 0, valid, 0, nValid);
        System.arraycopy(perm, nValid, train, 0, train.length);
        return new Split(train, valid);
    }

    /** Every row, in order: a given table's split. */
    static int[] allRows(int n) {
        int[] rows = new int[n];
        java.util.Arrays.setAll(rows, i -> i);
        return rows;
    }

    static int[] permutation(int n, Random r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    static void checkPct(double validPct) {
        if (!(validPct > 0 && validPct < 1)) {
            throw new IllegalArgumentException("validPct must be between 0 and 1 (exclusive), got " + validPct);
        }
    }

    static void checkFold(int fold, int folds) {
        if (folds < 2 || fold < 0 || fold >= folds) {
            throw new IllegalArgumentException(
                    "validFold(fold, folds) needs folds >= 2 and 0 <= fold < folds, got (" + fold + ", " + folds + ")");
        }
    }
}
