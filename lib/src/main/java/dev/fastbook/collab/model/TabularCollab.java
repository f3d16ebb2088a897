package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.ArrayList;
import java.util.List;

/**
 * fastai's tabular model (chapter 9) for ratings: an embedding for the user, the item and each
 * categorical side column (sizes by fastai's rule), the continuous side columns and flags
 * normalised by a BatchNorm, all concatenated into an MLP (Linear, ReLU, BatchNorm per hidden
 * layer) with one output squashed into {@code yRange}. With no side columns it is
 * {@link EmbeddingNN}. Takes {@code [user, item]} rows; the side columns come from {@link SideFeatures}.
 */
public class TabularCollab extends Module {
    public final Sequential embeds = new Sequential();
    public final BatchNorm1d bnCont;
    public final Sequential layers = new Sequential();
    private final NDArray userCodes;
    private final NDArray itemCodes;
    private final NDArray userCont;
    private final NDArray itemCont;
    private final int nUserCats;

    public TabularCollab(SideFeatures side, int[] hidden, YRange yRange) {
        MlpHead.checkHidden(hidden);
        int nUsers = side.users().size();
        int nItems = side.items().size();
        nUserCats = side.userCats.size();
        List<Integer> sizes = new ArrayList<>(List.of(nUsers, nItems));
        side.userCats.forEach(c -> sizes.add(c.vocab().size()));
        side.itemCats.forEach(c -> sizes.add(c.vocab().size()));
        int width = 0;
        for (int n : sizes) {
            EmbSz e = EmbSz.of(n);
            embeds.add(new Embedding(e.n(), e.f()));
            width += e.f();
        }
        userCodes = side.userCats.isEmpty() ? null : SideFeatures.codes(side.userCats, nUsers);
        itemCodes = side.itemCats.isEmpty() ? null : SideFeatures.codes(side.itemCats, nItems);
        userCont = SideFeatures.matrix(side.userCont, nUsers);
        List<float[]> itemCols = new ArrayList<>(side.itemCont);
        itemCols.addAll(side.itemFlags);
        itemCont = SideFeatures.matrix(itemCols, nItems);
        int nCont = side.userCont.size() + itemCols.size();
        bnCont = nCont == 0 ? null : new BatchNorm1d(nCont);
        MlpHead.append(layers, width + nCont, hidden, yRange);
    }

    @Override
    public NDArray forward(NDArray x) {
        // the first two columns; any others (a loader's extra columns) are ignored: the side columns are looked up
        NDArray users = x.get(":, 0");
        NDArray items = x.get(":, 1");
        List<NDArray> cats = new ArrayList<>(List.of(users, items));
        if (userCodes != null) {
            NDArray c = DotBiasSide.gather(userCodes, users);
            c.split(c.getShape().get(1), 1).forEach(a -> cats.add(a.squeeze(1)));
        }
        if (itemCodes != null) {
            NDArray c = DotBiasSide.gather(itemCodes, items);
            c.split(c.getShape().get(1), 1).forEach(a -> cats.add(a.squeeze(1)));
        }
        NDList parts = new NDList();
        for (int c = 0; c < cats.size(); c++) {
            parts.add(((Embedding) embeds.getChildren().get(c).getValue()).forward(cats.get(c)));
        }
        if (bnCont != null) {
            NDList cont = new NDList();
            if (userCont != null) {
                cont.add(DotBiasSide.gather(userCont, users));
            }
            if (itemCont != null) {
                cont.add(DotBiasSide.gather(itemCont, items));
            }
            parts.add(bnCont.forward(cont.size() == 1 ? cont.get(0) : NDArrays.concat(cont, 1)));
        }
        return layers.forward(NDArrays.concat(parts, 1)).squeeze(1);
    }

    @Override
    protected String extraRepr() {
        return nUserCats + " user side columns";
    }
}
