package dev.fastbook.collab.recommend;

import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.model.TabularModel;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.Learner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import tech.tablesaw.api.Table;

/**
 * Recommendations from any trained model that scores (user, item) pairs: the best unrated items
 * for every user at once ({@link #topK}), for one user ({@link #recommend}), predicted ratings for
 * given pairs ({@link #predict}), a saved form that plain Java programs load ({@link #save},
 * {@link #load}: fastai's {@code learn.export} and {@code load_learner}), and, for the dot-product
 * model, a new user from a handful of ratings ({@link #forNewUser}).
 *
 * <pre>{@code
 * var top = Recommender.of(learn).excludeRated(ratings).topK(10);
 * top.forUser("196");
 * }</pre>
 *
 * Ranking goes one way for every model: a {@link Scorer} gives each user's row of scores (the
 * dot-product model's {@link FactorScorer}, any other model's {@link ForwardScorer}, or one given
 * to {@link #scoredBy}), {@link RatedItems} masks what the user rated, and {@link TopKSelection}
 * keeps the best. {@code ColdStart} and {@code NewUserFit} handle new users, {@code SavedModel}
 * the files on disk.
 */
public final class Recommender {
    private final Module model;
    /** The model when it is the dot product, for the factor-based routes; else null. */
    private final EmbeddingDotBias dot;

    private final Vocab users;
    private final Vocab items;
    /** Given by {@link #scoredBy}; null: the model's own route ({@link Scorer#of}). */
    private Scorer scorer;

    private RatedItems rated;

    private Recommender(Module model, Vocab users, Vocab items) {
        if (model == null) {
            throw new IllegalArgumentException("Give a trained model (or learner), not null.");
        }
        if (users == null || items == null) {
            throw new IllegalArgumentException(
                    "The model has no vocabularies: build it with EmbeddingDotBias.fromClasses or"
                            + " collabLearner, or give them: Recommender.of(model, dls.users(), dls.items()).");
        }
        if (model instanceof TabularModel nn
                && nn.embSzs().size() >= 2
                && (nn.embSzs().get(0).n() != users.size() || nn.embSzs().get(1).n() != items.size())) {
            throw new IllegalArgumentException("The " + model.getClass().getSimpleName()
                    + "'s first two embeddings have "
                    + nn.embSzs().get(0).n() + " and " + nn.embSzs().get(1).n() + " rows, but the vocabularies have "
                    + users.size() + " " + users.name() + "s and " + items.size() + " " + items.name()
                    + "s (with #na#): give the vocabularies it was trained with.");
        }
        this.model = model;
        // a subclass may score differently: only the model itself takes the factor routes
        this.dot = model.getClass() == EmbeddingDotBias.class ? (EmbeddingDotBias) model : null;
        this.users = users;
        this.items = items;
        this.rated = RatedItems.none(users.size());
    }

    /**
     * Recommends with a learner's model (its current weights, each time it is asked) and the
     * vocabularies of its DataLoaders: the collab learner's {@code EmbeddingDotBias} or
     * {@code EmbeddingNN}, or your own {@code Module} whose {@code forward} takes (user, item) rows.
     */
    public static Recommender of(Learner<?, ?> learn) {
        if (learn == null) {
            throw new IllegalArgumentException("Give a trained learner, not null.");
        }
        if (learn.model() instanceof EmbeddingDotBias d && d.userClasses() != null) {
            return new Recommender(d, d.userClasses(), d.itemClasses());
        }
        Object dls = learn.dls();
        if (dls instanceof CollabDataLoaders c) {
            return new Recommender(learn.model(), c.users(), c.items());
        }
        throw new IllegalArgumentException("The learner's DataLoaders ("
                + (dls == null ? "null" : dls.getClass().getSimpleName())
                + ") have no user and item vocabularies: use Recommender.of(model, users, items).");
    }

    /** Recommends with a trained dot-product model, its vocabularies taken from the model. */
    public static Recommender of(EmbeddingDotBias model) {
        if (model == null) {
            throw new IllegalArgumentException("Give a trained model (or learner), not null.");
        }
        return new Recommender(model, model.userClasses(), model.itemClasses());
    }

    /**
     * Recommends with any model and the vocabularies it was trained with (row {@code i} of its
     * user embedding is {@code users.get(i)}), e.g. {@code dls.users()} and {@code dls.items()}.
     */
    public static Recommender of(Module model, Vocab users, Vocab items) {
        return new Recommender(model, users, items);
    }

    /**
     * Ranks with {@code scorer} instead of the model's own route: for a model that needs more
     * columns than (user, item), e.g.
     * {@code ForwardScorer.of(model, items.size()).withSideColumns(userColumns, itemColumns)};
     * {@link #predict} then uses it too when it is a {@link ForwardScorer}.
     */
    public Recommender scoredBy(Scorer scorer) {
        if (scorer == null) {
            throw new IllegalArgumentException(
                    "Give a Scorer, e.g. ForwardScorer.of(model, items.size()).withSideColumns(userColumns, itemColumns).");
        }
        if (scorer.items() != items.size()) {
            throw new IllegalArgumentException(
                    "The scorer scores " + scorer.items() + " items, the recommender's vocabulary has " + items.size()
                            + " (with #na#): build it with items().size().");
        }
        this.scorer = scorer;
        return this;
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
        PairTables.Pairs known = PairTables.known(ratings, users, items);
        rated = rated.plus(known.users(), known.items(), known.n());
        return this;
    }

    /**
     * Marks pairs given as vocabulary indices (as the DataLoaders encode them: row {@code j} is
     * user {@code users[j]} and item {@code items[j]}) as rated; the fast way for millions of ratings.
     */
    public Recommender excludeRated(int[] userIndices, int[] itemIndices) {
        RatedItems.checkPairs(users.size(), items.size(), userIndices, itemIndices);
        rated = rated.plus(userIndices, itemIndices, userIndices.length);
        return this;
    }

    /**
     * The {@code k} best unrated items for every user, best first. The dot-product model scores a
     * block of users by one matrix product of its factors (the y-range squash is monotonic, so it
     * changes the reported rating, not the order); any other model scores every (user, item) pair
     * through its forward pass, at most {@code 64K} pairs per call. Either way memory stays bounded
     * at any size and both cores work. A {@code k} larger than the catalogue is capped at the
     * number of items; a user who rated nearly everything gets fewer.
     *
     * @throws IllegalArgumentException when {@code k < 1}
     */
    public TopK topK(int k) {
        TopKSelection.checkK(k);
        int[] all = new int[users.size() - 1];
        for (int u = 1; u < users.size(); u++) {
            all[u - 1] = u;
        }
        Scorer s = scorer();
        return new TopK(
                users,
                items,
                s,
                TopKSelection.of(s, rated, all, k, Runtime.getRuntime().availableProcessors()),
                rated.pairs());
    }

    /** The best {@code k} unrated items for one user (capped at the catalogue's size, as in {@link #topK}). */
    public List<Recommendation> recommend(Object user, int k) {
        TopKSelection.checkK(k);
        Scorer s = scorer();
        return TopK.recommendations(
                TopKSelection.of(s, rated, new int[] {users.requireFromTraining(user)}, k, 1), 0, items, s);
    }

    private Scorer scorer() {
        return scorer != null ? scorer : Scorer.of(model, items.size());
    }

    /**
     * Cold start, for the dot-product model: fits a factor vector and a bias for a new user to a
     * handful of ratings (item name to rating, inside the model's y range), starting from the
     * average user as the chapter suggests, with the item factors held fixed; then recommends the
     * best {@code k} items the user has not rated ({@code k} capped at what is left).
     */
    public List<Recommendation> forNewUser(Map<String, Double> ratings, int k) {
        if (!(model instanceof EmbeddingDotBias d) || d.userClasses() == null) {
            throw new IllegalStateException(
                    "forNewUser fits a new user's factors and bias, which only the dot-product model"
                            + " (EmbeddingDotBias, collabLearner) has; this recommender's model is "
                            + model.getClass().getSimpleName()
                            + ". Retrain with the new user's ratings, or use a collabLearner model for cold start.");
        }
        return ColdStart.forNewUser(d, ratings, k);
    }

    /** The model's predicted rating for a known user and item (what the model's forward pass gives). */
    public double predict(Object user, Object item) {
        return forward().predict(new int[] {users.requireFromTraining(user)}, new int[] {items.require(item)})[0];
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
        PairTables.Pairs p = PairTables.required(pairs, users, items);
        return PairTables.withPredictions(pairs, forward().predict(p.users(), p.items()));
    }

    /** Predictions go through the forward pass: the given scorer's when it is one (it may feed side columns). */
    private ForwardScorer forward() {
        return scorer instanceof ForwardScorer f ? f : ForwardScorer.of(model, items.size());
    }

    // ---- saving for programs without Jupyter ---------------------------------------------

    /**
     * Saves the model's parameters, vocabularies and settings into the folder {@code dir}, so a
     * program can {@link #load} it (fastai's {@code learn.export}). Nothing but a model saved there
     * before is replaced: a folder that holds other files and no saved model is refused. The new
     * version is written beside the old one and switched to atomically, so a crash at any instant
     * leaves one of them loadable; processes saving into one folder at once take turns, and loads
     * meanwhile read a whole version. The rated pairs are not saved: a program passes its ratings
     * to {@link #excludeRated} again; nor is a {@link #scoredBy} scorer.
     */
    public void save(Path dir) throws IOException {
        if (dir == null) {
            throw new IllegalArgumentException("Give the folder to save into, e.g. Path.of(\"models/ml-100k\").");
        }
        SavedModel.save(model, users, items, dir);
    }

    /**
     * Loads what {@link #save(Path)} wrote for the collab learner's models (EmbeddingDotBias,
     * EmbeddingNN), like fastai's {@code load_learner}; a plain Java program needs nothing else.
     */
    public static Recommender load(Path dir) throws IOException {
        return load(dir, null);
    }

    /**
     * Loads a saved model of your own class: {@code factory} builds it, untrained, from the saved
     * vocabularies with the sizes it was trained with, e.g. {@code (users, items) -> new
     * DotProduct(users.size(), items.size(), 50)}; its parameters are then read from the folder.
     */
    public static Recommender load(Path dir, BiFunction<Vocab, Vocab, ? extends Module> factory) throws IOException {
        if (dir == null) {
            throw new IllegalArgumentException("Give the folder a recommender was saved into, not null.");
        }
        SavedModel.Loaded loaded = SavedModel.load(dir, factory);
        return new Recommender(loaded.model(), loaded.users(), loaded.items());
    }

    /** The model it recommends with. */
    public Module model() {
        return model;
    }

    /** The users it can recommend for. */
    public Vocab users() {
        return users;
    }

    /** The items it recommends from. */
    public Vocab items() {
        return items;
    }

    /** A user's rated items as names, as {@link #excludeRated} recorded them. */
    public List<String> seen(Object user) {
        List<String> out = new ArrayList<>();
        for (int i : rated.itemsOf(users.requireFromTraining(user))) {
            out.add(items.get(i));
        }
        return out;
    }

    @Override
    public String toString() {
        String what = dot != null
                ? String.format(Locale.ROOT, "EmbeddingDotBias: %d factors, ", dot.factors())
                : model.getClass().getSimpleName() + ": ";
        YRange range = dot != null ? dot.yRange() : model instanceof TabularModel nn ? nn.yRange() : null;
        return String.format(
                Locale.ROOT,
                "Recommender(%s%,d %ss x %,d %ss, y range %s; %,d rated pairs excluded)",
                what,
                users.size() - 1,
                users.name(),
                items.size() - 1,
                items.name(),
                range == null ? "none" : range.toString(),
                rated.pairs());
    }
}
