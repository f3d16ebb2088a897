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
        this.embSzs = List.copyOf(embSzs);
        this.hidden = hidden.clone();
        this.yRange = yRange;
        int width = 0;
        for (int c = 0; c < embSzs.size(); c++) {
            EmbSz e = embSzs.get(c);
            embeds.add(new Embedding(e.n(), e.f()));
            width += e.f();
        }
        int in = width;
        for (int h : hidden) {
            layers.add(new Sequential(new Linear(in, h, false), Layers.relu(), new BatchNorm1d(h)));
            in = h;
        }
        layers.add(new Linear(in, 1, true));
        if (yRange != null) {
            layers.add(Layers.sigmoidRange(yRange.lo(), yRange.hi()));
        }
    }

    @Override
    public NDArray forward(NDArray x) {
        NDList columns = x.split(x.getShape().get(1), 1);
        NDList parts = new NDList();
        for (int c = 0; c < columns.size(); c++) {
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
