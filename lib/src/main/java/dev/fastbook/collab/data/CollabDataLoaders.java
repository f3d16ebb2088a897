package dev.fastbook.collab.data;

import dev.fastbook.collab.core.Vocab;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.ShortColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * fastai's {@code CollabDataLoaders}: a random 80/20 split of a ratings table, user and item
 * vocabularies, and a training and a validation {@link DataLoader} of
 * {@code (user index, item index) -> rating} batches.
 *
 * <pre>{@code
 * var dls = CollabDataLoaders.from(ratings).itemName("title").bs(64).seed(42).build();
 * for (Batch b : dls.train()) { try (b) { ... } }
 * }</pre>
 *
 * <p>Columns not named in the builder are found by name (user/userId, movie/movieId/item/title,
 * rating/score). fastai takes the first three columns by position; here a table whose rating
 * column has another name must name it, because by position a MovieLens table without ratings
 * would silently train on its timestamps.
 */
public final class CollabDataLoaders implements DataLoaders {
    private static final List<String> USER_NAMES = List.of("user", "userid", "users", "customer", "customerid");
    private static final List<String> ITEM_NAMES = List.of("movie", "movieid", "item", "itemid", "title",
            "product", "productid", "book", "bookid");
    private static final List<String> RATING_NAMES = List.of("rating", "ratings", "score", "stars", "value");

    private final String userName;
    private final String itemName;
    private final String ratingName;
    private final Vocab users;
    private final Vocab items;
    private final DataLoader train;
    private final DataLoader valid;
    private final double minRating, maxRating;

    private CollabDataLoaders(Builder b) {
        Table t = b.table;
        if (t == null || t.rowCount() == 0) {
            throw new IllegalArgumentException("The ratings table is empty: load some ratings first (e.g. MovieLens.ratings()).");
        }
        if (!(b.validPct > 0 && b.validPct < 1)) {
            throw new IllegalArgumentException("validPct must be between 0 and 1 (exclusive), got " + b.validPct);
        }
        if (b.bs < 1) {
            throw new IllegalArgumentException("The batch size must be at least 1, got " + b.bs);
        }
        ratingName = ratingColumn(t, b.ratingName);
        userName = idColumn(t, b.userName, USER_NAMES, 0, "user", ratingName, null);
        itemName = idColumn(t, b.itemName, ITEM_NAMES, 1, "item", ratingName, userName);
        Column<?> ratingCol = t.column(ratingName);
        double[] range = checkRatings(ratingCol);
        minRating = range[0];
        maxRating = range[1];
        int n = t.rowCount();
        // fastai's RandomSplitter: a random permutation, the first int(pct * n) rows are validation.
        // With validFold(k, folds) the k-th of `folds` equal slices of the same permutation is.
        int foldFrom = b.folds == 0 ? 0 : (int) ((long) b.fold * n / b.folds);
        int nValid = b.folds == 0 ? (int) (b.validPct * n) : (int) ((long) (b.fold + 1) * n / b.folds) - foldFrom;
        int nTrain = n - nValid;
        if (nValid == 0) {
            long rowsNeeded = (long) Math.ceil(1 / b.validPct);
            while ((int) (b.validPct * rowsNeeded) < 1) {
                rowsNeeded++;
            }
            // Rounded up, so that the advice itself gives at least one row.
            String pctNeeded = java.math.BigDecimal.valueOf(Math.ceil(1000.0 / n) / 1000).stripTrailingZeros().toPlainString();
            throw new IllegalArgumentException("No validation rows: " + n + (n == 1 ? " row" : " rows") + " with validPct "
                    + b.validPct + " gives int(" + b.validPct + " * " + n + ") = 0 rows to validate on, so the valid"
                    + " loss could not be measured. Use at least " + rowsNeeded + " rows"
                    + (n < 2 ? " (one row cannot be both trained and validated on)" : ", or validPct " + pctNeeded + " or more")
                    + ".");
        }
        if (b.bs > nTrain) {
            throw new IllegalArgumentException("Batch size " + b.bs + " does not fit: there are " + nTrain
                    + " training rows. Use a batch size between 1 and " + nTrain + ".");
        }

        Random split = b.seed == null ? new Random() : new Random(b.seed);
        int[] perm = permutation(n, split);
        if (foldFrom > 0) {
            // the fold's slice first: it is the validation set
            int[] rotated = new int[n];
            System.arraycopy(perm, foldFrom, rotated, 0, nValid);
            System.arraycopy(perm, 0, rotated, nValid, foldFrom);
            System.arraycopy(perm, foldFrom + nValid, rotated, foldFrom + nValid, n - foldFrom - nValid);
            perm = rotated;
        }
        Codes u = codes(t.column(userName), perm, nValid);
        Codes it = codes(t.column(itemName), perm, nValid);
        users = u.vocab;
        items = it.vocab;

        int[] validUser = new int[nValid], validItem = new int[nValid];
        int[] trainUser = new int[nTrain], trainItem = new int[nTrain];
        float[] validRating = new float[nValid], trainRating = new float[nTrain];
        RatingReader r = ratingReader(ratingCol);
        for (int k = 0; k < nValid; k++) {
            int row = perm[k];
            validUser[k] = u.code(row);
            validItem[k] = it.code(row);
            validRating[k] = r.get(row);
        }
        for (int k = nValid; k < n; k++) {
            int row = perm[k];
            trainUser[k - nValid] = u.code(row);
            trainItem[k - nValid] = it.code(row);
            trainRating[k - nValid] = r.get(row);
        }
        DataLoader.Shuffler shuffler = new DataLoader.Shuffler(b.seed == null ? new Random() : new Random(b.seed + 1));
        train = new DataLoader(trainUser, trainItem, trainRating, b.bs, true, shuffler);
        valid = new DataLoader(validUser, validItem, validRating, b.bs, false, null);
    }

    // ---- choosing columns -------------------------------------------------------------------

    private static String key(String columnName) {
        return columnName.toLowerCase(Locale.ROOT).replaceAll("[ _\\-]", "");
    }

    private static String byName(Table t, List<String> candidates, String... taken) {
        for (String want : candidates) {
            for (String c : t.columnNames()) {
                if (key(c).equals(want) && !Arrays.asList(taken).contains(c)) {
                    return c;
                }
            }
        }
        return null;
    }

    private static boolean cannotBeRatings(Column<?> c) {
        String k = key(c.name());
        return k.contains("time") || k.contains("date") || k.equals("ts") || !(c instanceof NumberColumn);
    }

    private static String ratingColumn(Table t, String named) {
        if (named != null) {
            requireColumn(t, named, "rating");
            Column<?> c = t.column(named);
            if (!(c instanceof NumberColumn)) {
                throw new IllegalArgumentException("The rating column '" + named + "' holds " + c.type().name()
                        + " values, not numbers. The table's columns are " + describe(t)
                        + ": name the one with the ratings with ratingName(...).");
            }
            return named;
        }
        String found = byName(t, RATING_NAMES);
        if (found != null) {
            if (!(t.column(found) instanceof NumberColumn)) {
                throw new IllegalArgumentException("The column '" + found + "' holds " + t.column(found).type().name()
                        + " values, not numbers, so it cannot be the ratings. The table's columns are "
                        + describe(t) + ": name the rating column with ratingName(...).");
            }
            return found;
        }
        // fastai's positional default, kept only where it cannot be wrong silently: exactly three
        // columns, the third numeric and not a time.
        if (t.columnCount() == 3 && !cannotBeRatings(t.column(2))) {
            return t.column(2).name();
        }
        throw new IllegalArgumentException("No rating column in table '" + t.name() + "': its columns are "
                + describe(t) + ". Name the column that holds the ratings with ratingName(\"...\")"
                + " (a timestamp or text column is never taken for ratings).");
    }

    private static String idColumn(Table t, String named, List<String> candidates, int position, String what,
            String... taken) {
        if (named != null) {
            requireColumn(t, named, what);
            for (String other : taken) {
                if (named.equals(other)) {
                    throw new IllegalArgumentException("Column '" + named + "' cannot be both the " + what
                            + " and another of the user, item and rating columns; the table's columns are " + describe(t) + ".");
                }
            }
            return named;
        }
        String found = byName(t, candidates, taken);
        if (found != null) {
            return found;
        }
        // fastai's default: the first column for users, the second for items.
        if (t.columnCount() > position && !Arrays.asList(taken).contains(t.column(position).name())) {
            return t.column(position).name();
        }
        throw new IllegalArgumentException("No " + what + " column in table '" + t.name() + "': its columns are "
                + describe(t) + ". Name it with " + what + "Name(\"...\").");
    }

    private static void requireColumn(Table t, String name, String what) {
        if (!t.containsColumn(name)) {
            throw new IllegalArgumentException("No column '" + name + "' (asked for as the " + what + " column) in table "
                    + t.name() + "; its columns are " + describe(t) + ".");
        }
    }

    private static String describe(Table t) {
        List<String> out = new ArrayList<>();
        for (Column<?> c : t.columns()) {
            out.add(c.name() + " (" + c.type().name().toLowerCase(Locale.ROOT) + ")");
        }
        return out.toString();
    }

    // ---- ratings --------------------------------------------------------------------------

    /** A rating by row, read without boxing for the usual column types. */
    @FunctionalInterface
    private interface RatingReader {
        float get(int row);
    }

    private static RatingReader ratingReader(Column<?> c) {
        if (c instanceof DoubleColumn d) {
            return row -> (float) d.getDouble(row);
        }
        if (c instanceof FloatColumn f) {
            return f::getFloat;
        }
        if (c instanceof IntColumn i) {
            return i::getInt;
        }
        NumberColumn<?, ?> num = (NumberColumn<?, ?>) c;
        return row -> (float) num.getDouble(row);
    }

    // Every rating must be a number: the first bad row is named. Returns {min, max}.
    private static double[] checkRatings(Column<?> c) {
        RatingReader r = ratingReader(c);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < c.size(); i++) {
            float v = r.get(i);
            if (c.isMissing(i) || !Float.isFinite(v)) {
                boolean missing = c.isMissing(i) && !(c instanceof DoubleColumn || c instanceof FloatColumn);
                throw new IllegalArgumentException("Rating column '" + c.name() + "' has "
                        + (missing ? "a missing value" : Float.isNaN(v) ? "a missing value (NaN)" : "'" + v + "'")
                        + " at row " + i + ": ratings must be finite numbers. Drop or fix that row.");
            }
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new double[] {lo, hi};
    }

    // ---- vocabularies and encoding ---------------------------------------------------------

    /** A column's vocabulary and the code of each row in it. */
    private abstract static class Codes {
        Vocab vocab;

        abstract int code(int row);
    }

    // Text categories (titles) get their vocabulary from the whole table, numbers (user ids) from
    // the training rows only: that is what fastai's Categorify does in from_df.
    private static Codes codes(Column<?> c, int[] perm, int nValid) {
        IntIds ids = IntIds.of(c);
        if (ids != null) {
            return intCodes(c, ids, perm, nValid);
        }
        Vocab vocab;
        if (c instanceof StringColumn s) {
            for (int row = 0; row < s.size(); row++) {
                if (s.isMissing(row)) {
                    throw missing(c, row);
                }
            }
            vocab = Vocab.of(c.name(), s.unique().asList());
        } else {
            List<Object> trainValues = new ArrayList<>(perm.length - nValid);
            for (int k = nValid; k < perm.length; k++) {
                trainValues.add(value(c, perm[k]));
            }
            vocab = Vocab.of(c.name(), trainValues);
        }
        Codes out = new Codes() {
            @Override
            int code(int row) {
                return vocab.indexOf(value(c, row));
            }
        };
        out.vocab = vocab;
        return out;
    }

    private static Object value(Column<?> c, int row) {
        if (c.isMissing(row)) {
            throw missing(c, row);
        }
        return c.get(row);
    }

    private static IllegalArgumentException missing(Column<?> c, int row) {
        return new IllegalArgumentException("Column '" + c.name() + "' has a missing value at row " + row
                + ": drop or fill missing rows before building DataLoaders.");
    }

    /** Int ids read without boxing, for Int, Short and Long columns whose values fit an int. */
    private abstract static class IntIds {
        abstract int get(int row);

        static IntIds of(Column<?> c) {
            if (c instanceof IntColumn ic) {
                return new IntIds() {
                    @Override
                    int get(int row) {
                        return ic.getInt(row);
                    }
                };
            }
            if (c instanceof ShortColumn sc) {
                return new IntIds() {
                    @Override
                    int get(int row) {
                        return sc.getShort(row);
                    }
                };
            }
            if (c instanceof LongColumn lc) {
                for (int row = 0; row < lc.size(); row++) {
                    long v = lc.getLong(row);
                    if (!lc.isMissing(row) && (v < Integer.MIN_VALUE + 1 || v > Integer.MAX_VALUE)) {
                        // Larger ids work as categories on the general path; only the fast path needs ints.
                        return null;
                    }
                }
                return new IntIds() {
                    @Override
                    int get(int row) {
                        return (int) lc.getLong(row);
                    }
                };
            }
            return null;
        }
    }

    // Ids spanning at most this many values (and not many more than there are rows) are encoded by
    // a dense lookup table; others by binary search in the sorted vocabulary.
    private static final long DENSE_LIMIT = 1 << 25;

    // The fast path for int ids: no String or boxed Integer per row (at 25M rows that was 43 s).
    private static Codes intCodes(Column<?> c, IntIds ids, int[] perm, int nValid) {
        int n = perm.length;
        int min = Integer.MAX_VALUE, max = Integer.MIN_VALUE;
        for (int row = 0; row < n; row++) {
            if (c.isMissing(row)) {
                throw missing(c, row);
            }
            int v = ids.get(row);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        long range = (long) max - min + 1;
        Codes out;
        if (range <= Math.min(DENSE_LIMIT, Math.max(2L * n, 1 << 20))) {
            int[] lookup = new int[(int) range];
            for (int k = nValid; k < n; k++) {
                lookup[ids.get(perm[k]) - min] = 1;
            }
            int count = 0;
            for (int seen : lookup) {
                count += seen;
            }
            int[] sorted = new int[count];
            int next = 0;
            for (int v = 0; v < lookup.length; v++) {
                if (lookup[v] != 0) {
                    sorted[next] = v + min;
                    lookup[v] = ++next; // index 0 is #na#: ids only in the validation rows map there
                }
            }
            final int base = min;
            out = new Codes() {
                @Override
                int code(int row) {
                    return lookup[ids.get(row) - base];
                }
            };
            out.vocab = Vocab.ofInts(c.name(), sorted);
        } else {
            int[] train = new int[n - nValid];
            for (int k = nValid; k < n; k++) {
                train[k - nValid] = ids.get(perm[k]);
            }
            Arrays.sort(train);
            int count = 0;
            for (int i = 0; i < train.length; i++) {
                if (i == 0 || train[i] != train[i - 1]) {
                    train[count++] = train[i];
                }
            }
            Vocab vocab = Vocab.ofInts(c.name(), Arrays.copyOf(train, count));
            out = new Codes() {
                @Override
                int code(int row) {
                    return vocab.indexOfInt(ids.get(row));
                }
            };
            out.vocab = vocab;
        }
        return out;
    }

    private static int[] permutation(int n, Random r) {
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

    /** Starts a builder; columns not named are found by name (see the class comment). */
    public static Builder from(Table ratings) {
        return new Builder(ratings);
    }

    /** The training batches: shuffled anew on every iteration, the last partial batch dropped. */
    @Override
    public DataLoader train() {
        return train;
    }

    /** The validation batches: every row, in order, the last batch may be short. */
    @Override
    public DataLoader valid() {
        return valid;
    }

    /** fastai's {@code dls.classes}: the vocabulary of each column, {@code #na#} first. */
    public Map<String, Vocab> classes() {
        Map<String, Vocab> m = new LinkedHashMap<>();
        m.put(userName, users);
        m.put(itemName, items);
        return m;
    }

    public Vocab users() {
        return users;
    }

    public Vocab items() {
        return items;
    }

    public String userName() {
        return userName;
    }

    public String itemName() {
        return itemName;
    }

    public String ratingName() {
        return ratingName;
    }

    public int bs() {
        return train.bs();
    }

    public int trainSize() {
        return train.n();
    }

    public int validSize() {
        return valid.n();
    }

    /** One shuffled training batch, like {@code dls.one_batch()}; close it when done. */
    public Batch oneBatch() {
        return train.oneBatch();
    }

    /** The smallest and largest rating in the training and validation rows. */
    public double[] ratingRange() {
        return new double[] {minRating, maxRating};
    }

    /** {@code dls.show_batch()}: {@code n} decoded rows of a shuffled training batch. */
    public Table showBatch(int n) {
        int[] order = train.nextOrder();
        int len = Math.min(n, Math.min(train.bs(), order.length));
        StringColumn u = StringColumn.create(userName);
        StringColumn it = StringColumn.create(itemName);
        DoubleColumn r = DoubleColumn.create(ratingName);
        for (int k = 0; k < len; k++) {
            int row = order[k];
            u.append(users.get(train.user(row)));
            it.append(items.get(train.item(row)));
            r.append(train.rating(row));
        }
        return Table.create("batch").addColumns(u, it, r);
    }

    /** Ten rows, as fastai's default. */
    public Table showBatch() {
        return showBatch(10);
    }

    @Override
    public String toString() {
        return "CollabDataLoaders(" + userName + ": " + users.size() + ", " + itemName + ": " + items.size()
                + ", rating: " + ratingName + ", train " + trainSize() + " rows / valid " + validSize()
                + " rows, bs " + bs() + ")";
    }

    /** Options of {@code from_df}: column names, validation share, seed and batch size. */
    public static final class Builder {
        private final Table table;
        private String userName, itemName, ratingName;
        private double validPct = 0.2;
        private Long seed;
        private int bs = 64;
        private int fold, folds;

        private Builder(Table table) {
            this.table = table;
        }

        public Builder userName(String name) { userName = name; return this; }

        public Builder itemName(String name) { itemName = name; return this; }

        public Builder ratingName(String name) { ratingName = name; return this; }

        public Builder validPct(double pct) { validPct = pct; return this; }

        /**
         * K-fold cross-validation: the rows are shuffled once (by the seed) and cut into {@code folds}
         * equal slices; slice {@code fold} (0-based) is the validation set, the rest is trained on.
         * Replaces validPct. Use the same seed for every fold so the slices do not overlap.
         */
        public Builder validFold(int fold, int folds) {
            if (folds < 2 || fold < 0 || fold >= folds) {
                throw new IllegalArgumentException("validFold(fold, folds) needs folds >= 2 and 0 <= fold < folds, got ("
                        + fold + ", " + folds + ")");
            }
            this.fold = fold;
            this.folds = folds;
            return this;
        }

        public Builder seed(long s) { seed = s; return this; }

        public Builder bs(int batchSize) { bs = batchSize; return this; }

        public CollabDataLoaders build() {
            return new CollabDataLoaders(this);
        }
    }
}
