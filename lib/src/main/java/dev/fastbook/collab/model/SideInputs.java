package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TabularModel}'s inputs for {@code [user, item]} rows, looked up in {@link SideFeatures}'
 * tables: the categories (user, item, the user's side categories, the item's) and the continuous
 * values (the user's, then the item's values and flags).
 */
final class SideInputs {
    private final List<EmbSz> embSzs = new ArrayList<>();
    private final List<String> names;
    private final NDArray userCodes;
    private final NDArray itemCodes;
    private final NDArray userCont;
    private final NDArray itemCont;
    private final int nCont;

    private SideInputs(SideFeatures side) {
        int nUsers = side.users().size();
        int nItems = side.items().size();
        embSzs.add(EmbSz.of(nUsers));
        embSzs.add(EmbSz.of(nItems));
        side.userCats.forEach(c -> embSzs.add(EmbSz.of(c.vocab().size())));
        side.itemCats.forEach(c -> embSzs.add(EmbSz.of(c.vocab().size())));
        names = side.names();
        userCodes = side.userCats.isEmpty() ? null : SideFeatures.codes(side.userCats, nUsers);
        itemCodes = side.itemCats.isEmpty() ? null : SideFeatures.codes(side.itemCats, nItems);
        userCont = SideFeatures.matrix(side.userCont, nUsers);
        List<float[]> itemCols = new ArrayList<>(side.itemCont);
        itemCols.addAll(side.itemFlags);
        itemCont = SideFeatures.matrix(itemCols, nItems);
        nCont = side.userCont.size() + itemCols.size();
    }

    static SideInputs of(SideFeatures side) {
        return new SideInputs(side);
    }

    List<EmbSz> embSzs() {
        return embSzs;
    }

    int nCont() {
        return nCont;
    }

    List<String> names() {
        return names;
    }

    /** {@code [n, 2 + side categories]} codes: the row's user and item (its first two columns), then theirs. */
    NDArray categories(NDArray x) {
        NDList cats = new NDList(x.get(":, 0:2"));
        if (userCodes != null) {
            cats.add(DotBiasSide.gather(userCodes, x.get(":, 0")));
        }
        if (itemCodes != null) {
            cats.add(DotBiasSide.gather(itemCodes, x.get(":, 1")));
        }
        return cats.size() == 1 ? cats.get(0) : NDArrays.concat(cats, 1);
    }

    /** {@code [n, nCont]} values, or null without continuous columns. */
    NDArray continuous(NDArray x) {
        NDList cont = new NDList();
        if (userCont != null) {
            cont.add(DotBiasSide.gather(userCont, x.get(":, 0")));
        }
        if (itemCont != null) {
            cont.add(DotBiasSide.gather(itemCont, x.get(":, 1")));
        }
        return cont.isEmpty() ? null : cont.size() == 1 ? cont.get(0) : NDArrays.concat(cont, 1);
    }
}
