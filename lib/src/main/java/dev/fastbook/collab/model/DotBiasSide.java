package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The chapter's dot product with side embeddings added (the idea of SVDFeature): a user's vector
 * is its own embedding plus one for each of its categories (age group, gender, occupation...),
 * an item's its own plus one per category and the mean of its flags' vectors (genres). Each side
 * vector carries one extra number, its bias. A user or item seen rarely borrows from its groups.
 * Takes {@code [user, item]} rows like {@link EmbeddingDotBias}; the side columns come from
 * {@link SideFeatures}.
 */
public class DotBiasSide extends Module {
    public final Embedding uWeight;
    public final Embedding iWeight;
    public final Embedding uBias;
    public final Embedding iBias;
    public final Sequential userSide = new Sequential();
    public final Sequential itemSide = new Sequential();
    public final Linear flags;
    private final NDArray userCodes;
    private final NDArray itemCodes;
    private final NDArray itemFlags;
    private final int nFactors;
    private final YRange yRange;

    /** {@code nFactors} per vector, the side columns' vocabularies from {@code side}, predictions in {@code yRange} (null for none). */
    public DotBiasSide(int nFactors, SideFeatures side, YRange yRange) {
        this.nFactors = nFactors;
        this.yRange = yRange;
        int nUsers = side.users().size();
        int nItems = side.items().size();
        uWeight = new Embedding(nUsers, nFactors);
        iWeight = new Embedding(nItems, nFactors);
        uBias = new Embedding(nUsers, 1);
        iBias = new Embedding(nItems, 1);
        for (SideFeatures.Category c : side.userCats) {
            userSide.add(new Embedding(c.vocab().size(), nFactors + 1));
        }
        for (SideFeatures.Category c : side.itemCats) {
            itemSide.add(new Embedding(c.vocab().size(), nFactors + 1));
        }
        userCodes = side.userCats.isEmpty() ? null : SideFeatures.codes(side.userCats, nUsers);
        itemCodes = side.itemCats.isEmpty() ? null : SideFeatures.codes(side.itemCats, nItems);
        NDArray f = SideFeatures.matrix(side.itemFlags, nItems);
        if (f != null) {
            // each item's flags sum to 1 (or 0), so its flag vector is the mean of its genres' vectors
            NDArray count = f.sum(new int[] {1}, true).maximum(1f);
            itemFlags = f.div(count);
            flags = new Linear(side.itemFlags.size(), nFactors + 1, false);
            // nn.Linear's init would swamp the 0.01-scaled embeddings
            dev.fastbook.collab.core.Tensors.copyInto(flags.weight().mul(0.01f), flags.weight());
        } else {
            itemFlags = null;
            flags = null;
        }
    }

    @Override
    public NDArray forward(NDArray x) {
        // the first two columns; any others (a loader's extra columns) are ignored: the side columns are looked up
        NDArray users = x.get(":, 0");
        NDArray items = x.get(":, 1");
        NDArray u = uWeight.forward(users).concat(uBias.forward(users), 1);
        NDArray i = iWeight.forward(items).concat(iBias.forward(items), 1);
        u = addSide(u, userSide, userCodes, users);
        i = addSide(i, itemSide, itemCodes, items);
        if (flags != null) {
            i = i.add(flags.forward(gather(itemFlags, items)));
        }
        // [factors..., bias]: the dot product of the factors plus both biases
        NDArray uf = u.get(":, :" + nFactors);
        NDArray ifac = i.get(":, :" + nFactors);
        NDArray res =
                uf.mul(ifac).sum(new int[] {1}).add(u.get(":, " + nFactors)).add(i.get(":, " + nFactors));
        return yRange == null ? res : Layers.sigmoidRange(res, yRange.lo(), yRange.hi());
    }

    private static NDArray addSide(NDArray v, Sequential side, NDArray codes, NDArray rows) {
        if (codes == null) {
            return v;
        }
        NDArray picked = gather(codes, rows);
        List<NDArray> cols = new ArrayList<>(picked.split(picked.getShape().get(1), 1));
        for (int c = 0; c < cols.size(); c++) {
            Embedding e = (Embedding) side.getChildren().get(c).getValue();
            v = v.add(e.forward(cols.get(c).squeeze(1)));
        }
        return v;
    }

    /** Rows of a lookup table, owned by the batch (so they are freed with it, not kept by the table). */
    static NDArray gather(NDArray table, NDArray rows) {
        NDArray picked = table.get(rows);
        picked.attach(rows.getManager());
        return picked;
    }

    public int factors() {
        return nFactors;
    }

    @Override
    protected String extraRepr() {
        return "factors=" + nFactors;
    }
}
