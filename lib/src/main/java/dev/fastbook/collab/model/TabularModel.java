package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * fastai's {@code TabularModel}: an embedding per categorical column and the continuous columns
 * normalised by a BatchNorm, concatenated into a head of Linear (no bias), ReLU and BatchNorm per
 * hidden size, then a Linear to {@code outSz} outputs, squashed into the y range when there is
 * one. fastai's dropout is 0 by default and is left out. {@link EmbeddingNN} is this model with no
 * continuous columns and one output; {@link #withSide} feeds it a rating's side columns.
 */
public class TabularModel extends Module {
    public final Sequential embeds = new Sequential();
    /** Normalises the continuous columns; null without them. */
    public final BatchNorm1d bnCont;

    public final Sequential layers = new Sequential();
    private final List<EmbSz> embSzs;
    private final int nCont;
    private final int outSz;
    private final int[] hidden;
    private final YRange yRange;
    /** Turns {@code [user, item]} rows into side categories and values; null when fed the columns directly. */
    private final SideInputs side;

    /**
     * fastai's {@code TabularModel(emb_szs, n_cont, out_sz, layers, y_range=...)}: {@code embSzs}
     * one per categorical column, {@code nCont} continuous columns, {@code layers} the hidden sizes.
     */
    public TabularModel(List<EmbSz> embSzs, int nCont, int outSz, int[] layers, YRange yRange) {
        this(embSzs, nCont, outSz, layers, yRange, null);
    }

    private TabularModel(List<EmbSz> embSzs, int nCont, int outSz, int[] hidden, YRange yRange, SideInputs side) {
        checkSizes(embSzs, nCont, outSz, hidden);
        this.embSzs = List.copyOf(embSzs);
        this.nCont = nCont;
        this.outSz = outSz;
        this.hidden = hidden.clone();
        this.yRange = yRange;
        this.side = side;
        int width = nCont;
        for (EmbSz e : embSzs) {
            embeds.add(new Embedding(e.n(), e.f()));
            width += e.f();
        }
        bnCont = nCont == 0 ? null : new BatchNorm1d(nCont);
        for (int h : hidden) {
            layers.add(new Sequential(new Linear(width, h, false), Layers.relu(), new BatchNorm1d(h)));
            width = h;
        }
        layers.add(new Linear(width, outSz, true));
        if (yRange != null) {
            layers.add(Layers.sigmoidRange(yRange.lo(), yRange.hi()));
        }
    }

    /**
     * The model for ratings with side columns: embeddings for the user, the item and each
     * categorical side column (fastai's sizes), the continuous side columns and flags as its
     * continuous inputs, one output. It takes {@code [user, item]} rows and looks the rest up.
     */
    public static TabularModel withSide(SideFeatures side, int[] layers, YRange yRange) {
        SideInputs inputs = SideInputs.of(side);
        return new TabularModel(inputs.embSzs(), inputs.nCont(), 1, layers, yRange, inputs);
    }

    // Refused here, before a weight exists: a size below 1 otherwise fails deep inside the engine
    // at the first batch ("index 0 out of range", "The shape must be >= -1").
    private static void checkSizes(List<EmbSz> embSzs, int nCont, int outSz, int[] hidden) {
        for (int c = 0; c < embSzs.size(); c++) {
            EmbSz e = embSzs.get(c);
            if (e.n() < 1 || e.f() < 1) {
                throw new IllegalArgumentException("Embedding " + c + " has size " + e + ": it needs at least one row"
                        + " and one factor (getEmbSz(dls) gives fastai's sizes).");
            }
        }
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i] < 1) {
                throw new IllegalArgumentException("Hidden layer " + (i + 1) + " of " + hidden.length + " (layers[" + i
                        + "]) has size " + hidden[i] + ": each layer needs at least 1 unit, e.g. new int[] {100, 50}.");
            }
        }
        if (nCont < 0 || outSz < 1 || embSzs.isEmpty() && nCont == 0) {
            throw new IllegalArgumentException("A TabularModel needs at least one input column and one output; got "
                    + embSzs.size() + " embeddings, nCont=" + nCont + ", outSz=" + outSz + ".");
        }
    }

    /**
     * Rows of category codes, one column per embedding (further columns, e.g. a loader's extras,
     * are ignored); {@code [user, item]} rows for a model built {@link #withSide}.
     */
    @Override
    public NDArray forward(NDArray x) {
        if (side != null) {
            return forward(side.categories(x), side.continuous(x));
        }
        if (nCont > 0) {
            throw new IllegalStateException(
                    "This TabularModel has " + nCont + " continuous columns: call forward(cat, cont).");
        }
        return forward(x, null);
    }

    /** fastai's {@code forward(x_cat, x_cont)}: category codes {@code [n, embeddings]}, values {@code [n, nCont]}. */
    public NDArray forward(NDArray cat, NDArray cont) {
        int nEmb = embSzs.size();
        NDList parts = new NDList();
        if (nEmb > 0) {
            long width = cat.getShape().get(1);
            if (width < nEmb) {
                throw new IllegalArgumentException("The rows have " + width + " category columns, this model " + nEmb
                        + " embeddings: give one code per embedding.");
            }
            long[] cuts = new long[Math.min(nEmb, (int) width - 1)];
            for (int c = 0; c < cuts.length; c++) {
                cuts[c] = c + 1;
            }
            NDList columns = cat.split(cuts, 1);
            for (int c = 0; c < nEmb; c++) {
                parts.add(((Embedding) embeds.getChildren().get(c).getValue())
                        .forward(columns.get(c).squeeze(1)));
            }
        }
        if (nCont > 0) {
            parts.add(bnCont.forward(cont));
        }
        NDArray out = layers.forward(parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1));
        return outSz == 1 ? out.squeeze(1) : out;
    }

    /** The embedding sizes, one per categorical column (user, item, then any others). */
    public List<EmbSz> embSzs() {
        return embSzs;
    }

    /** How many continuous columns it takes. */
    public int nCont() {
        return nCont;
    }

    /** The hidden layer sizes. */
    public int[] hidden() {
        return hidden.clone();
    }

    /** The y range of its last layer, or null. */
    public YRange yRange() {
        return yRange;
    }

    @Override
    protected String extraRepr() {
        return side == null ? "" : "side columns " + side.names();
    }
}
