package dev.fastbook.collab.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.train.Learner;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Recommendations from a trained {@link EmbeddingDotBias}: the best unrated items for every user
 * at once ({@link #topK}), for one user ({@link #recommend}), for a new user from a handful of
 * ratings ({@link #forNewUser}), predicted ratings for given pairs ({@link #predict}), and a saved
 * form that plain Java programs load ({@link #save}, {@link #load}).
 *
 * <pre>{@code
 * var top = Recommender.of(learn).excludeRated(ratings).topK(10);
 * top.forUser("196");
 * }</pre>
 *
 * The work lives in package-private classes, one concern each: {@link TopKScorer} (scoring in
 * blocks of users), {@link RatedItems} (what to exclude), {@link ColdStart} and
 * {@link NewUserFit} (new users), {@link SavedModel} (the folder on disk).
 */
public final class Recommender {
    private final EmbeddingDotBias model;
    private final Vocab users;
    private final Vocab items;
    private RatedItems rated;

    private Recommender(EmbeddingDotBias model) {
        if (model == null) {
            throw new IllegalArgumentException("Give a trained model (or learner), not null.");
        }
        if (model.userClasses() == null || model.itemClasses() == null) {
            throw new IllegalArgumentException("The model has no vocabularies: build it with EmbeddingDotBias.fromClasses or collabLearner.");
        }
        this.model = model;
        this.users = model.userClasses();
        this.items = model.itemClasses();
        this.rated = RatedItems.none(users.size());
    }

    /** Recommends with a collab learner's model (its current weights, each time it is asked). */
    public static Recommender of(Learner<EmbeddingDotBias> learn) {
        if (learn == null) {
            throw new IllegalArgumentException("Give a trained learner, not null.");
        }
        return new Recommender(learn.model());
    }

    public static Recommender of(EmbeddingDotBias model) {
        return new Recommender(model);
    }

    /**
     * Marks every (user, item) pair of {@code ratings} as rated, so it is never recommended. The
     * table needs the columns the model's vocabularies are named after (e.g. {@code user} and
     * {@code title}); rows whose user or item the model does not know are skipped (a user seen
     * only in the validation rows has no factors to recommend with). Calls add up.
     */
    public Recommender excludeRated(Table ratings) {
        if (ratings == null) {
            throw new IllegalArgumentException("Give the ratings table whose pairs to exclude, not null.");
        }
        Column<?> u = column(ratings, users.name());
        Column<?> it = column(ratings, items.name());
        int n = ratings.rowCount();
        int[] ui = new int[n];
        int[] ii = new int[n];
        int kept = 0;
        IntLookup userLookup = IntLookup.of(u, users);
        IntLookup itemLookup = IntLookup.of(it, items);
        for (int r = 0; r < n; r++) {
            int a = userLookup.indexAt(r);
            int b = itemLookup.indexAt(r);
            if (a > 0 && b > 0) {
                ui[kept] = a;
                ii[kept++] = b;
            }
        }
        rated = rated.plus(ui, ii, kept);
        return this;
    }

    /**
     * Marks pairs given as vocabulary indices (as the DataLoaders encode them: row {@code j} is
     * user {@code users[j]} and item {@code items[j]}) as rated; the fast way for millions of ratings.
     */
    public Recommender excludeRated(int[] userIndices, int[] itemIndices) {
        if (userIndices == null || itemIndices == null || userIndices.length != itemIndices.length) {
            throw new IllegalArgumentException("Give two index arrays of the same length (users, items), got "
                    + (userIndices == null ? "null" : userIndices.length) + " and " + (itemIndices == null ? "null" : itemIndices.length));
        }
        for (int j = 0; j < userIndices.length; j++) {
            if (userIndices[j] < 0 || userIndices[j] >= users.size() || itemIndices[j] < 0 || itemIndices[j] >= items.size()) {
                throw new IllegalArgumentException("Pair " + j + " is (" + userIndices[j] + ", " + itemIndices[j]
                        + "), outside the vocabularies (" + users.size() + " users, " + items.size() + " items): give vocabulary indices.");
            }
        }
        rated = rated.plus(userIndices, itemIndices, userIndices.length);
        return this;
    }

    private static Column<?> column(Table t, String name) {
        if (!t.containsColumn(name)) {
            throw new IllegalArgumentException("Table " + t.name() + " has no column '" + name + "' (it has "
                    + t.columnNames() + "); the model's vocabularies are named after the DataLoaders' columns.");
        }
        return t.column(name);
    }

    /**
     * The {@code k} best unrated items for every user, best first. Scores come from the factors and
     * biases in blocks of users (memory stays bounded at any size; both cores work); the y-range
     * squash is monotonic, so it changes the reported rating, not the order. A {@code k} larger
     * than the catalogue is capped at the number of items; a user who rated nearly everything gets
     * fewer.
     *
     * @throws IllegalArgumentException when {@code k < 1}
     */
    public TopK topK(int k) {
        checkK(k);
        int kk = Math.min(k, items.size() - 1);
        int[] all = new int[users.size() - 1];
        for (int u = 1; u < users.size(); u++) {
            all[u - 1] = u;
        }
        TopKScorer.Rows rows = TopKScorer.score(Factors.of(model), rated, all, kk, Runtime.getRuntime().availableProcessors());
        return new TopK(users, items, model.yRange(), rows, rated.pairs());
    }

    /** The best {@code k} unrated items for one user (capped at the catalogue's size, as in {@link #topK}). */
    public List<Recommendation> recommend(Object user, int k) {
        checkK(k);
        int u = model.userIndex(user);
        int kk = Math.min(k, items.size() - 1);
        TopKScorer.Rows rows = TopKScorer.score(Factors.of(model), rated, new int[] {u}, kk, 1);
        List<Recommendation> out = new ArrayList<>(rows.counts()[0]);
        for (int j = 0; j < rows.counts()[0]; j++) {
            out.add(new Recommendation(items.get(rows.best()[j]), TopK.predicted(model.yRange(), rows.scores()[j])));
        }
        return out;
    }

    static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k is how many items to recommend: at least 1, got " + k + ".");
        }
    }

    /**
     * Cold start: fits a factor vector and a bias for a new user to a handful of ratings (item name
     * to rating, inside the model's y range), starting from the average user as the chapter
     * suggests, with the item factors held fixed; then recommends the best {@code k} items the user
     * has not rated ({@code k} capped at what is left).
     */
    public List<Recommendation> forNewUser(Map<String, Double> ratings, int k) {
        return ColdStart.forNewUser(model, ratings, k);
    }

    /** The model's predicted rating for a known user and item (what the model's forward pass gives). */
    public double predict(Object user, Object item) {
        return forward(new long[] {model.userIndex(user), model.itemIndex(item)})[0];
    }

    /**
     * The model's predictions for a table of (user, item) pairs, in the columns the vocabularies
     * are named after: a copy of the table with a {@code predicted} column added (replaced if it
     * was there). An unknown user or item is an error naming its row.
     */
    public Table predict(Table pairs) {
        if (pairs == null) {
            throw new IllegalArgumentException("Give a table of (user, item) pairs, not null.");
        }
        Column<?> u = column(pairs, users.name());
        Column<?> it = column(pairs, items.name());
        int n = pairs.rowCount();
        long[] idx = new long[2 * n];
        for (int r = 0; r < n; r++) {
            try {
                idx[2 * r] = model.userIndex(u.get(r));
                idx[2 * r + 1] = model.itemIndex(it.get(r));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Row " + r + " of " + pairs.name() + ": " + e.getMessage(), e);
            }
        }
        float[] out = forward(idx);
        DoubleColumn predicted = DoubleColumn.create("predicted", n);
        for (int r = 0; r < n; r++) {
            predicted.set(r, out[r]);
        }
        Table result = pairs.copy();
        if (result.containsColumn("predicted")) {
            result.removeColumns("predicted");
        }
        return result.addColumns(predicted);
    }

    /** The model's forward pass over (user, item) index pairs, in chunks so memory stays small. */
    private float[] forward(long[] pairs) {
        int n = pairs.length / 2;
        float[] out = new float[n];
        int chunk = 1 << 16;
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            for (int from = 0; from < n; from += chunk) {
                int rows = Math.min(chunk, n - from);
                long[] part = java.util.Arrays.copyOfRange(pairs, 2 * from, 2 * (from + rows));
                float[] p = Tensors.noGrad(() -> {
                    try (var m = Tensors.manager().newSubManager()) {
                        NDArray x = m.create(part, new Shape(rows, 2));
                        return model.forward(x).toFloatArray();
                    }
                });
                System.arraycopy(p, 0, out, from, rows);
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return out;
    }

    // ---- saving for programs without Jupyter ---------------------------------------------

    /**
     * Saves the model's parameters, vocabularies and settings into the folder {@code dir}, so a
     * program can {@link #load} it. Nothing but a model saved there before is replaced: a folder
     * that holds other files and no saved model is refused. The new version is written beside the
     * old one and switched to atomically, so a crash at any instant leaves one of them loadable.
     * The rated pairs are not saved: a program passes its ratings to {@link #excludeRated} again.
     */
    public void save(Path dir) throws IOException {
        if (dir == null) {
            throw new IllegalArgumentException("Give the folder to save into, e.g. Path.of(\"models/ml-100k\").");
        }
        SavedModel.save(model, dir);
    }

    /** Loads what {@link #save(Path)} wrote; a plain Java program needs nothing else. */
    public static Recommender load(Path dir) throws IOException {
        if (dir == null) {
            throw new IllegalArgumentException("Give the folder a recommender was saved into, not null.");
        }
        return new Recommender(SavedModel.load(dir));
    }

    public EmbeddingDotBias model() {
        return model;
    }

    /** A user's rated items as names, as {@link #excludeRated} recorded them. */
    public List<String> seen(Object user) {
        List<String> out = new ArrayList<>();
        for (int i : rated.of(model.userIndex(user))) {
            out.add(items.get(i));
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Recommender(EmbeddingDotBias: %d factors, %,d %ss x %,d %ss, y range %s; %,d rated pairs excluded)",
                model.factors(), users.size() - 1, users.name(), items.size() - 1, items.name(),
                model.yRange() == null ? "none" : model.yRange().toString(), rated.pairs());
    }

    /** Column values to vocabulary indices; int columns through a dense table instead of a string per row. */
    private interface IntLookup {
        int indexAt(int row);

        static IntLookup of(Column<?> column, Vocab vocab) {
            if (column instanceof IntColumn ints && vocab.size() > 1) {
                int max = 0;
                int[] parsed = new int[vocab.size()];
                for (int i = 1; i < vocab.size(); i++) {
                    try {
                        parsed[i] = Integer.parseInt(vocab.get(i));
                    } catch (NumberFormatException notInts) {
                        return row -> vocab.indexOf(column.get(row));
                    }
                    if (parsed[i] < 0 || !String.valueOf(parsed[i]).equals(vocab.get(i))) { // e.g. "007"
                        return row -> vocab.indexOf(column.get(row));
                    }
                    max = Math.max(max, parsed[i]);
                }
                if (max < 50_000_000) {
                    int[] dense = new int[max + 1];
                    for (int i = 1; i < vocab.size(); i++) {
                        dense[parsed[i]] = i;
                    }
                    return row -> {
                        if (ints.isMissing(row)) {
                            return 0;
                        }
                        int v = ints.getInt(row);
                        return v >= 0 && v < dense.length ? dense[v] : 0;
                    };
                }
            }
            return row -> vocab.indexOf(column.get(row));
        }
    }
}
