package dev.fastbook.collab.data;

import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.formats.CsvRatings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tech.tablesaw.api.Table;

/**
 * fastai's {@code CollabDataLoaders}: a ratings table split into training and validation rows, the
 * vocabularies learnt from training, and a training and a validation {@link TabDataLoader} of
 * {@code (user index, item index) -> rating} batches.
 *
 * <pre>{@code
 * var dls = CollabDataLoaders.from(ratings).itemName("title").bs(64).seed(42).build();
 * var dls = CollabDataLoaders.fromCsv(Path.of("ratings.csv")).build();
 * var dls = CollabDataLoaders.from(u1base).valid(u1test).build();       // a given validation table
 * var dls = CollabDataLoaders.from(ratings).validPctByUser(0.25).seed(42).build();
 * var dls = CollabDataLoaders.from(rated).catNames("gender", "occupation").contNames("age").build();
 * }</pre>
 *
 * <p>Which column is which is decided by {@link ColumnRoles} (names first, then fastai's rule of
 * first, second, third column, printed when used); which rows validate by {@link Splitter}; the
 * codes by {@link Categorify} and {@link Normalize}. Rows of a given validation or test table
 * whose user or item training never saw are coded {@code #na#} (index 0), as fastai does, and
 * counted ({@link #naRows()}).
 */
public final class CollabDataLoaders implements DataLoaders {
    private final RowEncoder enc;
    private final TabDataLoader train;
    private final TabDataLoader valid;
    private final double minRating, maxRating;

    private CollabDataLoaders(Builder b) {
        Table t = b.table;
        List<String> extras = BuilderChecks.settings(t, b.bs, b.catNames, b.contNames);
        ColumnRoles roles = ColumnRoles.choose(t, b.userName, b.itemName, b.ratingName, extras);
        roles.checkKinds(t);
        double[] range = RowEncoder.checkRatings(t, roles.rating());
        t = b.duplicates.apply(t, roles.user(), roles.item(), roles.rating());
        Table validTable = b.validation.rows(t);
        Splitter.Split split = b.validation.split(t, roles.user(), b.seed);
        int nTrain = split.train().length;
        range = b.validation.widen(range, roles.rating());
        BuilderChecks.batchFits(b.bs, nTrain);
        enc = RowEncoder.fit(t, roles, b.catNames, b.contNames, split.train(), b.validation.table == null);
        roles.checkDistinct(t, roles.user(), enc.users.size() - 1, nTrain);
        roles.checkDistinct(t, roles.item(), enc.items.size() - 1, nTrain);
        minRating = range[0];
        maxRating = range[1];
        TabDataLoader.Shuffler shuffler =
                new TabDataLoader.Shuffler(b.seed == null ? new Random() : new Random(b.seed + 1));
        train = enc.loader(t, split.train(), b.bs, true, shuffler);
        valid = enc.loader(validTable, split.valid(), b.bs, false, null);
        String guess = roles.guessLine();
        if (guess != null) {
            System.out.println(guess);
        }
        if (b.validation.table != null && valid.naRows() > 0) {
            valid.sayNaLineOnce("validation");
        }
    }

    /** Starts a builder; columns not named are found by name, then by position (see {@link ColumnRoles}). */
    public static Builder from(Table ratings) {
        return new Builder(ratings);
    }

    /**
     * fastai's {@code from_csv}: a CSV file with a header line (a UTF-8 byte-order mark is skipped),
     * its columns found by their names, e.g. {@code userId,movieId,rating} in any order.
     */
    public static Builder fromCsv(Path csv) {
        return fromCsv(csv, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** As {@link #fromCsv(Path)} for a file in {@code charset}; bytes it cannot decode are an error naming the line. */
    public static Builder fromCsv(Path csv, java.nio.charset.Charset charset) {
        return new Builder(CsvRatings.read(csv, charset));
    }

    /**
     * fastai's {@code dls.test_dl(df)}: the rows of {@code table} (with the training table's
     * columns) coded under the training vocabularies and statistics, in order, in batches of
     * {@link #bs()}; users or items training never saw are {@code #na#} and counted in its
     * {@link TabDataLoader#naRows()} (and printed when there are any).
     */
    public TabDataLoader testDl(Table table) {
        if (table == null || table.rowCount() == 0) {
            throw new IllegalArgumentException("The test table is empty.");
        }
        RowEncoder.checkRatings(table, ratingName());
        TabDataLoader dl = enc.loader(table, Splitter.allRows(table.rowCount()), bs(), false, null);
        if (dl.naRows() > 0) {
            dl.sayNaLineOnce("test");
        }
        return dl;
    }

    /** The training batches: shuffled anew on every iteration, the last partial batch dropped. */
    @Override
    public TabDataLoader train() {
        return train;
    }

    /** The validation batches: every row, in order, the last batch may be short. */
    @Override
    public TabDataLoader valid() {
        return valid;
    }

    /** fastai's {@code dls.classes}: the vocabulary of each categorical column, {@code #na#} first. */
    public Map<String, Vocab> classes() {
        Map<String, Vocab> m = new LinkedHashMap<>();
        m.put(userName(), enc.users);
        m.put(itemName(), enc.items);
        for (Vocab v : enc.cats) {
            m.put(v.name(), v);
        }
        return m;
    }

    /** The user vocabulary: index 0 is {@code #na#}, then the users of the training rows, sorted. */
    public Vocab users() {
        return enc.users;
    }

    /** The item vocabulary (titles or ids), index 0 {@code #na#}. */
    public Vocab items() {
        return enc.items;
    }

    public String userName() {
        return enc.roles.user();
    }

    public String itemName() {
        return enc.roles.item();
    }

    public String ratingName() {
        return enc.roles.rating();
    }

    /** The extra categorical columns, in the order they follow user and item in a batch's x. */
    public List<String> catNames() {
        return enc.cats.stream().map(Vocab::name).toList();
    }

    /** The continuous columns, in the order of a batch's xCont. */
    public List<String> contNames() {
        return enc.conts.stream().map(Normalize::name).toList();
    }

    /** Validation rows whose user or item training never saw (coded {@code #na#}). */
    public int naRows() {
        return valid.naRows();
    }

    public int bs() {
        return train.bs();
    }

    public int trainSize() {
        return train.n();
    }

    /** Validation rows. */
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

    /** {@code dls.show_batch()}: {@code n} decoded rows of a shuffled training batch, extra columns too. */
    public Table showBatch(int n) {
        int[] order = train.nextOrder();
        return enc.decode(train, Arrays.copyOf(order, Math.min(n, Math.min(train.bs(), order.length))));
    }

    /** Ten rows, as fastai's default. */
    public Table showBatch() {
        return showBatch(10);
    }

    @Override
    public String toString() {
        StringBuilder extras = new StringBuilder();
        for (Vocab v : enc.cats) {
            extras.append(", ").append(v.name()).append(": ").append(v.size());
        }
        for (Normalize c : enc.conts) {
            extras.append(", ").append(c.name()).append(" (continuous)");
        }
        return "CollabDataLoaders(" + userName() + ": " + users().size() + ", " + itemName() + ": " + items().size()
                + extras + ", rating: " + ratingName() + ", train " + trainSize() + " rows / valid " + validSize()
                + " rows" + (naRows() > 0 ? " (" + naRows() + " with #na#)" : "") + ", bs " + bs() + ")";
    }

    /** Options of {@code from_df}: column names, the split, extra columns, seed and batch size. */
    public static final class Builder {
        private final Table table;
        private String userName, itemName, ratingName;
        private final ValidSplit validation = new ValidSplit();
        private Long seed;
        private int bs = 64;
        private List<String> catNames = List.of(), contNames = List.of();
        private Duplicates duplicates = Duplicates.KEEP;

        private Builder(Table table) {
            this.table = table;
        }

        /** The users' column by name, instead of the guess from names and positions. */
        public Builder userName(String name) {
            userName = name;
            return this;
        }

        /** The items' column by name (the chapter passes {@code "title"}). */
        public Builder itemName(String name) {
            itemName = name;
            return this;
        }

        /** The ratings' column by name. */
        public Builder ratingName(String name) {
            ratingName = name;
            return this;
        }

        /** fastai's {@code valid_pct}: that share of the rows, drawn at random, validates. */
        public Builder validPct(double pct) {
            validation.pct = pct;
            return this;
        }

        /**
         * A split stratified by user, as Microsoft Recommenders' {@code python_stratified_split}
         * with {@code ratio = 1 - pct}: each user's rows, in a random order, split so that about
         * {@code pct} of them validate. For ranking protocols. Replaces validPct.
         */
        public Builder validPctByUser(double pct) {
            Splitter.checkPct(pct);
            validation.pctByUser = pct;
            return this;
        }

        /**
         * A given validation table (an official test file, say) instead of a split: every row of
         * {@code from}'s table trains, every row of this one validates, coded under the training
         * vocabularies. Replaces validPct.
         */
        public Builder valid(Table validation) {
            if (validation == null) {
                throw new IllegalArgumentException(
                        "valid(table) needs a table; leave it out to split the ratings instead.");
            }
            this.validation.table = validation;
            return this;
        }

        /**
         * K-fold cross-validation: the rows are shuffled once (by the seed) and cut into {@code folds}
         * equal slices; slice {@code fold} (0-based) is the validation set, the rest is trained on.
         * Replaces validPct. Use the same seed for every fold so the slices do not overlap.
         */
        public Builder validFold(int fold, int folds) {
            Splitter.checkFold(fold, folds);
            validation.fold = fold;
            validation.folds = folds;
            return this;
        }

        /**
         * Extra categorical columns (fastai's {@code cat_names}): each gets its own vocabulary and
         * follows user and item in a batch's x, as longs.
         */
        public Builder catNames(String... names) {
            catNames = List.of(names);
            return this;
        }

        /**
         * Continuous columns (fastai's {@code cont_names}): normalised with the training rows' mean
         * and deviation, in a batch's xCont, as floats.
         */
        public Builder contNames(String... names) {
            contNames = List.of(names);
            return this;
        }

        /** Rows rating a (user, item) pair already rated: kept (fastai's way, the default), averaged or refused; reported once. */
        public Builder duplicates(Duplicates choice) {
            duplicates = java.util.Objects.requireNonNull(choice, "duplicates");
            return this;
        }

        /** The seed of the split and of every epoch's shuffle: the same seed, the same batches. */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** Rows per batch (fastai's {@code bs}; 64 by default). */
        public Builder bs(int batchSize) {
            bs = batchSize;
            return this;
        }

        /** Splits, builds the vocabularies and encodes the rows; refuses columns it cannot read, saying which. */
        public CollabDataLoaders build() {
            return new CollabDataLoaders(this);
        }
    }
}
