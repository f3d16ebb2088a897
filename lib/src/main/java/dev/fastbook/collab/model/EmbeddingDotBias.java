package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.fastbook.collab.core.Vocab;
import java.util.List;

/**
 * fastai's {@code EmbeddingDotBias}, the collab learner's model: the dot product of a user's and
 * an item's factors plus a bias for each, squashed into {@code yRange} when one is given.
 */
public class EmbeddingDotBias extends Module {

    // Field order is fastai's parameter order: u_weight, i_weight, u_bias, i_bias.
    public final Embedding uWeight;
    public final Embedding iWeight;
    public final Embedding uBias;
    public final Embedding iBias;
    private final YRange yRange;
    private Vocab userClasses;
    private Vocab itemClasses;

    public EmbeddingDotBias(int nFactors, int nUsers, int nItems, YRange yRange) {
        uWeight = new Embedding(nUsers, nFactors);
        iWeight = new Embedding(nItems, nFactors);
        uBias = new Embedding(nUsers, 1);
        iBias = new Embedding(nItems, 1);
        this.yRange = yRange;
    }

    /** fastai's {@code from_classes}: sizes from the vocabularies, kept for lookups by name. */
    public static EmbeddingDotBias fromClasses(int nFactors, Vocab users, Vocab items, YRange yRange) {
        EmbeddingDotBias m = new EmbeddingDotBias(nFactors, users.size(), items.size(), yRange);
        m.userClasses = users;
        m.itemClasses = items;
        return m;
    }

    @Override
    public NDArray forward(NDArray x) {
        // split gives views of the two columns; x.get(":, 0") would build an index and copy
        // (a batch with extra columns after user and item: cut after the second, the rest unused)
        NDList columns = x.getShape().get(1) == 2 ? x.split(2, 1) : x.split(new long[] {1, 2}, 1);
        NDArray users = columns.get(0).squeeze(1);
        NDArray items = columns.get(1).squeeze(1);
        NDArray dot = uWeight.forward(users).mul(iWeight.forward(items)).sum(new int[] {1});
        NDArray res = dot.add(uBias.forward(users).squeeze(1))
                .add(iBias.forward(items).squeeze(1));
        return yRange == null ? res : Layers.sigmoidRange(res, yRange.lo(), yRange.hi());
    }

    /** The learned bias of each named item, like fastai's {@code model.bias(names, is_item=True)}. */
    public float[] itemBias(List<?> names) {
        return rows(iBias, names, true);
    }

    /** The learned bias of each named user, like fastai's {@code model.bias(names, is_item=False)}. */
    public float[] userBias(List<?> names) {
        return rows(uBias, names, false);
    }

    /** The learned factors of each named item, one row each, like fastai's {@code model.weight(names)}. */
    public float[][] itemWeight(List<?> names) {
        return matrix(iWeight, names, true);
    }

    /** The learned factors of each named user, one row each. */
    public float[][] userWeight(List<?> names) {
        return matrix(uWeight, names, false);
    }

    /**
     * A user's row in the embeddings; an unknown user is an error that says it may be only in the
     * validation rows (users come from the training rows) and suggests close ids.
     */
    public int userIndex(Object user) {
        return classes(false).requireFromTraining(user);
    }

    /** An item's row in the embeddings; an unknown item is an error that suggests close names. */
    public int itemIndex(Object item) {
        return classes(true).require(item);
    }

    private float[][] matrix(Embedding e, List<?> names, boolean isItem) {
        float[] flat = rows(e, names, isItem);
        float[][] out = new float[names.size()][e.factors()];
        for (int r = 0; r < out.length; r++) {
            System.arraycopy(flat, r * e.factors(), out[r], 0, e.factors());
        }
        return out;
    }

    private float[] rows(Embedding e, List<?> names, boolean isItem) {
        if (names == null) {
            throw new IllegalArgumentException(
                    "Give a list of " + (isItem ? "item" : "user") + " names, e.g. List.of(...).");
        }
        long[] idx = names.stream()
                .mapToLong(n -> isItem ? itemIndex(n) : userIndex(n))
                .toArray();
        NDArray table = e.weight();
        // the rows are attached to the table's (long-lived) manager: close them, and record no graph
        return dev.fastbook.collab.core.Tensors.noGrad(() -> {
            try (NDArray index = table.getManager().create(idx);
                    NDArray picked = table.get(index)) {
                return picked.toFloatArray();
            }
        });
    }

    private Vocab classes(boolean isItem) {
        Vocab v = isItem ? itemClasses : userClasses;
        if (v == null) {
            throw new IllegalStateException(
                    "Build the model with EmbeddingDotBias.fromClasses (or collabLearner) to look up by name.");
        }
        return v;
    }

    /** The user vocabulary this model was built from, or null when built from sizes only. */
    public Vocab userClasses() {
        return userClasses;
    }

    /** The item vocabulary this model was built from, or null when built from sizes only. */
    public Vocab itemClasses() {
        return itemClasses;
    }

    public int factors() {
        return uWeight.factors();
    }

    public YRange yRange() {
        return yRange;
    }
}
