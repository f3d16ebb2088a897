package dev.fastbook.collab.train;

import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbSz;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.EmbeddingNN;
import dev.fastbook.collab.model.YRange;
import java.util.List;

/**
 * fastai's {@code collab_learner}: builds the model from the DataLoaders' vocabularies and wraps
 * it in a {@link Learner} with MSE loss. Java has no keyword arguments, so the two model families
 * get a method each: {@link #collabLearner} (EmbeddingDotBias, fastai's default) and
 * {@link #collabLearnerNn} ({@code use_nn=True}, EmbeddingNN).
 */
public final class CollabLearner {
    /** fastai's default number of factors. */
    public static final int N_FACTORS = 50;

    private CollabLearner() {}

    /** {@code collab_learner(dls, n_factors, y_range)}; {@code yRange} may be null (no squashing). */
    public static Learner<CollabDataLoaders, EmbeddingDotBias> collabLearner(
            CollabDataLoaders dls, int nFactors, YRange yRange) {
        checkRange(dls, yRange);
        Vocab users = dls.users();
        Vocab items = dls.items();
        return new Learner<>(dls, EmbeddingDotBias.fromClasses(nFactors, users, items, yRange));
    }

    /** {@code collab_learner(dls, y_range=...)} with 50 factors. */
    public static Learner<CollabDataLoaders, EmbeddingDotBias> collabLearner(CollabDataLoaders dls, YRange yRange) {
        return collabLearner(dls, N_FACTORS, yRange);
    }

    /** fastai's {@code get_emb_sz(dls)}: the rule-of-thumb size of the user and item embeddings. */
    public static List<EmbSz> getEmbSz(CollabDataLoaders dls) {
        return List.of(EmbSz.of(dls.users().size()), EmbSz.of(dls.items().size()));
    }

    /** {@code collab_learner(dls, use_nn=True, layers=..., y_range=...)}: sizes from {@code get_emb_sz}. */
    public static Learner<CollabDataLoaders, EmbeddingNN> collabLearnerNn(
            CollabDataLoaders dls, int[] layers, YRange yRange) {
        return collabLearnerNn(dls, getEmbSz(dls), layers, yRange);
    }

    /** As above with explicit embedding sizes ({@code emb_szs}). */
    public static Learner<CollabDataLoaders, EmbeddingNN> collabLearnerNn(
            CollabDataLoaders dls, List<EmbSz> embSzs, int[] layers, YRange yRange) {
        checkRange(dls, yRange);
        if (layers == null || layers.length == 0) {
            throw new IllegalArgumentException("use_nn needs hidden layer sizes, e.g. new int[] {100, 50}");
        }
        return new Learner<>(dls, new EmbeddingNN(embSzs, layers, yRange));
    }

    // A range that cannot produce the ratings would train a model that can never be right.
    private static void checkRange(CollabDataLoaders dls, YRange yRange) {
        if (yRange == null) {
            return;
        }
        double[] minMax = dls.ratingRange();
        if (!yRange.contains(minMax[0], minMax[1])) {
            throw new IllegalArgumentException("yRange " + yRange + " excludes ratings in the data, which run from "
                    + minMax[0] + " to " + minMax[1] + ": choose a range that contains them, e.g. "
                    + YRange.containing(minMax[0], minMax[1]) + ".");
        }
    }
}
