package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.List;

/**
 * fastai's {@code EmbeddingNN}: a tabular model with no continuous inputs and one output. Each
 * column's embedding is concatenated, then for each hidden size Linear (no bias) -> ReLU ->
 * BatchNorm, then Linear(last, 1) and sigmoid_range. Dropout is 0 by default in fastai and
 * there are no continuous columns, so neither Dropout nor bn_cont appears.
 */
public class EmbeddingNN extends Module {
    public final Sequential embeds = new Sequential();
    public final Sequential layers = new Sequential();
    private final List<EmbSz> embSzs;
    private final int[] hidden;
    private final YRange yRange;

    public EmbeddingNN(List<EmbSz> embSzs, int[] hidden, YRange yRange) {
        checkSizes(embSzs, hidden);
        this.embSzs = List.copyOf(embSzs);
        this.hidden = hidden.clone();
        this.yRange = yRange;
        int width = 0;
        for (int c = 0; c < embSzs.size(); c++) {
            EmbSz e = embSzs.get(c);
            embeds.add(new Embedding(e.n(), e.f()));
            width += e.f();
        }
        MlpHead.append(layers, width, hidden, yRange);
    }

    // Refused here, before a weight exists: a size below 1 otherwise fails deep inside the engine
    // at the first batch ("index 0 out of range", "The shape must be >= -1").
    private static void checkSizes(List<EmbSz> embSzs, int[] hidden) {
        for (int c = 0; c < embSzs.size(); c++) {
            EmbSz e = embSzs.get(c);
            if (e.n() < 1 || e.f() < 1) {
                throw new IllegalArgumentException("Embedding " + c + " has size " + e + ": it needs at least one row"
                        + " and one factor (getEmbSz(dls) gives fastai's sizes).");
            }
        }
        MlpHead.checkHidden(hidden);
    }

    @Override
    public NDArray forward(NDArray x) {
        // one embedding per column, the first ones: a batch may carry extra columns this model has no embedding for
        int nEmb = embeds.getChildren().size();
        long width = x.getShape().get(1);
        NDList columns;
        if (width <= nEmb) {
            columns = x.split(width, 1);
        } else {
            long[] cuts = new long[nEmb];
            for (int c = 0; c < nEmb; c++) {
                cuts[c] = c + 1;
            }
            columns = x.split(cuts, 1);
        }
        NDList parts = new NDList();
        for (int c = 0; c < Math.min(columns.size(), nEmb); c++) {
            parts.add(((Embedding) embeds.getChildren().get(c).getValue()).forward(columns.get(c).squeeze(1)));
        }
        return layers.forward(NDArrays.concat(parts, 1)).squeeze(1);
    }

    /** The embedding sizes it was built with, one per input column (user, item, then any others). */
    public List<EmbSz> embSzs() {
        return embSzs;
    }

    /** The hidden layer sizes it was built with. */
    public int[] hidden() {
        return hidden.clone();
    }

    /** The y range of its last layer, or null. */
    public YRange yRange() {
        return yRange;
    }
}
