package dev.fastbook.collab.data;

import dev.fastbook.collab.core.Vocab;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * fastai's {@code CollabDataLoaders}: a random 80/20 split of a ratings table, user and item
 * vocabularies, and mini-batches of {@code (user index, item index) -> rating}.
 *
 * <pre>{@code
 * var dls = CollabDataLoaders.from(ratings).itemName("title").bs(64).seed(42).build();
 * }</pre>
 */
public final class CollabDataLoaders {
    private final String userName;
    private final String itemName;
    private final String ratingName;
    private final Vocab users;
    private final Vocab items;
    private final int bs;
    private final Random shuffle;
    private final int[] trainUser, trainItem, validUser, validItem;
    private final float[] trainRating, validRating;

    private CollabDataLoaders(Builder b) {
        Table t = b.table;
        if (t == null || t.rowCount() == 0) {
            throw new IllegalArgumentException("The ratings table is empty: load some ratings first (e.g. MovieLens.ratings()).");
        }
        if (t.columnCount() < 3 && (b.userName == null || b.itemName == null || b.ratingName == null)) {
            throw new IllegalArgumentException("A ratings table needs user, item and rating columns; "
                    + t.name() + " has only " + t.columnNames());
        }
        userName = b.userName != null ? b.userName : t.columnNames().get(0);
        itemName = b.itemName != null ? b.itemName : t.columnNames().get(1);
        ratingName = b.ratingName != null ? b.ratingName : t.columnNames().get(2);
        for (String c : List.of(userName, itemName, ratingName)) {
            if (!t.containsColumn(c)) {
                throw new IllegalArgumentException("No column '" + c + "' in table " + t.name()
                        + "; its columns are " + t.columnNames() + ".");
            }
        }
        if (!(b.validPct > 0 && b.validPct < 1)) {
            throw new IllegalArgumentException("validPct must be between 0 and 1 (exclusive), got " + b.validPct);
        }
        int n = t.rowCount();
        float[] rating = ratings(t.column(ratingName));

        // fastai's RandomSplitter: a random permutation, the first int(pct * n) rows are validation.
        Random split = b.seed == null ? new Random() : new Random(b.seed);
        int[] perm = permutation(n, split);
        int nValid = (int) (b.validPct * n);
        int nTrain = n - nValid;
        if (b.bs < 1 || b.bs > nTrain) {
            throw new IllegalArgumentException("Batch size " + b.bs + " does not fit: there are " + nTrain
                    + " training rows. Use a batch size between 1 and " + nTrain + ".");
        }
        bs = b.bs;
        Column<?> u = t.column(userName);
        Column<?> it = t.column(itemName);
        List<Object> trainUsers = new ArrayList<>(nTrain);
        List<Object> trainItems = new ArrayList<>(nTrain);
        for (int k = nValid; k < n; k++) {
            trainUsers.add(value(u, perm[k]));
            trainItems.add(value(it, perm[k]));
        }
        users = vocab(userName, u, trainUsers);
        items = vocab(itemName, it, trainItems);

        validUser = new int[nValid];
        validItem = new int[nValid];
        validRating = new float[nValid];
        trainUser = new int[nTrain];
        trainItem = new int[nTrain];
        trainRating = new float[nTrain];
        for (int k = 0; k < n; k++) {
            int row = perm[k];
            int ui = users.indexOf(value(u, row));
            int ii = items.indexOf(value(it, row));
            if (k < nValid) {
                validUser[k] = ui;
                validItem[k] = ii;
                validRating[k] = rating[row];
            } else {
                trainUser[k - nValid] = ui;
                trainItem[k - nValid] = ii;
                trainRating[k - nValid] = rating[row];
            }
        }
        shuffle = b.seed == null ? new Random() : new Random(b.seed + 1);
    }

    // Text categories (titles) get their vocabulary from the whole table, numbers (user ids) from
    // the training rows only: that is what fastai's Categorify does in from_df.
    private static Vocab vocab(String name, Column<?> column, List<Object> trainValues) {
        if (column instanceof StringColumn s) {
            return Vocab.of(name, s.unique().asList());
        }
        return Vocab.of(name, trainValues);
    }

    private static Object value(Column<?> c, int row) {
        if (c.isMissing(row)) {
            throw new IllegalArgumentException("Column '" + c.name() + "' has a missing value at row " + row
                    + ": drop or fill missing rows before building DataLoaders.");
        }
        return c instanceof IntColumn ic ? (Object) ic.getInt(row) : c.get(row);
    }

    private static float[] ratings(Column<?> c) {
        float[] r = new float[c.size()];
        for (int i = 0; i < r.length; i++) {
            Object v = c.isMissing(i) ? null : c.get(i);
            if (!(v instanceof Number num) || Double.isNaN(num.doubleValue())) {
                throw new IllegalArgumentException("Rating column '" + c.name() + "' has " + (v == null ? "a missing value" : "'" + v + "'")
                        + " at row " + i + ": ratings must be numbers. Drop or fix that row.");
            }
            r[i] = num.floatValue();
        }
        return r;
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

    /** Starts a builder; unnamed columns default to the table's first, second and third. */
    public static Builder from(Table ratings) {
        return new Builder(ratings);
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
        return bs;
    }

    public int trainSize() {
        return trainRating.length;
    }

    public int validSize() {
        return validRating.length;
    }

    /** Training batches per epoch: the last partial batch is dropped, as fastai does. */
    public int trainBatches() {
        return trainRating.length / bs;
    }

    /** Validation batches: all rows, the last batch may be short. */
    public int validBatches() {
        return (validRating.length + bs - 1) / bs;
    }

    /** A new shuffled order of the training rows (one per epoch). */
    public int[] shuffledTrainOrder() {
        return permutation(trainRating.length, shuffle);
    }

    /** The training batch made of {@code order[from .. from+bs)}, in {@code manager}. */
    public Batch trainBatch(NDManager manager, int[] order, int from) {
        return batch(manager, trainUser, trainItem, trainRating, order, from, Math.min(bs, order.length - from));
    }

    /** The {@code index}-th validation batch, in {@code manager}. */
    public Batch validBatch(NDManager manager, int index) {
        return validRows(manager, index * bs, bs);
    }

    /** Up to {@code size} validation rows from {@code from} on, in order, as one batch. */
    public Batch validRows(NDManager manager, int from, int size) {
        return batch(manager, validUser, validItem, validRating, null, from, Math.min(size, validRating.length - from));
    }

    private static Batch batch(NDManager m, int[] u, int[] it, float[] r, int[] order, int from, int len) {
        long[] x = new long[len * 2];
        float[] y = new float[len];
        for (int k = 0; k < len; k++) {
            int row = order == null ? from + k : order[from + k];
            x[2 * k] = u[row];
            x[2 * k + 1] = it[row];
            y[k] = r[row];
        }
        return new Batch(m.create(x, new Shape(len, 2)), m.create(y, new Shape(len, 1)), m);
    }

    /** One shuffled training batch, like {@code dls.one_batch()}; close it when done. */
    public Batch oneBatch() {
        NDManager m = Tensors.manager().newSubManager();
        return trainBatch(m, shuffledTrainOrder(), 0);
    }

    /** The smallest and largest rating in the training and validation rows. */
    public double[] ratingRange() {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float[] rs : new float[][] {trainRating, validRating}) {
            for (float r : rs) {
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
            }
        }
        return new double[] {lo, hi};
    }


    /** {@code dls.show_batch()}: {@code n} decoded rows of a shuffled training batch. */
    public Table showBatch(int n) {
        int[] order = shuffledTrainOrder();
        int len = Math.min(n, Math.min(bs, order.length));
        Table t = Table.create("batch");
        StringColumn u = StringColumn.create(userName);
        StringColumn it = StringColumn.create(itemName);
        tech.tablesaw.api.DoubleColumn r = tech.tablesaw.api.DoubleColumn.create(ratingName);
        for (int k = 0; k < len; k++) {
            int row = order[k];
            u.append(users.get(trainUser[row]));
            it.append(items.get(trainItem[row]));
            r.append(trainRating[row]);
        }
        return t.addColumns(u, it, r);
    }

    /** Ten rows, as fastai's default. */
    public Table showBatch() {
        return showBatch(10);
    }

    @Override
    public String toString() {
        return "CollabDataLoaders(" + userName + ": " + users.size() + ", " + itemName + ": " + items.size()
                + ", train " + trainSize() + " rows / valid " + validSize() + " rows, bs " + bs + ")";
    }

    /** Options of {@code from_df}: column names, validation share, seed and batch size. */
    public static final class Builder {
        private final Table table;
        private String userName, itemName, ratingName;
        private double validPct = 0.2;
        private Long seed;
        private int bs = 64;

        private Builder(Table table) {
            this.table = table;
        }

        public Builder userName(String name) { userName = name; return this; }

        public Builder itemName(String name) { itemName = name; return this; }

        public Builder ratingName(String name) { ratingName = name; return this; }

        public Builder validPct(double pct) { validPct = pct; return this; }

        public Builder seed(long s) { seed = s; return this; }

        public Builder bs(int batchSize) { bs = batchSize; return this; }

        public CollabDataLoaders build() {
            return new CollabDataLoaders(this);
        }
    }
}
