package dev.fastbook.collab.implicit;

import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.DataLoaders;
import dev.fastbook.collab.data.UserItemPairs;
import java.util.BitSet;

/**
 * The ranking view of a ratings split: every rated (user, item) pair is a positive, each paired
 * with a sampled unrated item ({@link BprDataLoader}). Training negatives avoid the user's training
 * items; validation negatives avoid all of the user's items, so a validation pair is truly
 * "rated beats unrated". Pairs with {@code #na#} (a user or item unseen in training) are left out.
 *
 * <pre>{@code
 * var bprDls = BprDataLoaders.from(dls, 1024, 42);   // the same vocabularies and split as dls
 * var learn = new Learner<>(bprDls, new Bpr<>(new EmbeddingDotBias(64, nUsers, nItems, null)), Bpr.loss());
 * }</pre>
 */
public record BprDataLoaders(BprDataLoader train, BprDataLoader valid) implements DataLoaders {

    /** From the training and validation rows of ratings DataLoaders, with its vocabularies. */
    public static BprDataLoaders from(CollabDataLoaders dls, int bs, long seed) {
        int[][] t = UserItemPairs.known(dls.train());
        int[][] v = UserItemPairs.known(dls.valid());
        if (v[0].length == 0) {
            throw new IllegalArgumentException(
                    "No validation pair to rank: all " + dls.valid().n() + " validation rows have a"
                            + " user or item training never saw (#na#), and those are left out. Split so that validation users and"
                            + " items also appear in training, e.g. validPctByUser(0.2).");
        }
        return of(t[0], t[1], v[0], v[1], dls.users().size(), dls.items().size(), bs, seed);
    }

    /** From encoded positive pairs (vocabulary indices, 0 = {@code #na#}) of training and validation. */
    public static BprDataLoaders of(
            int[] trainUsers,
            int[] trainItems,
            int[] validUsers,
            int[] validItems,
            int nUsers,
            int nItems,
            int bs,
            long seed) {
        inRange(trainUsers, "trainUsers", nUsers, "nUsers");
        inRange(trainItems, "trainItems", nItems, "nItems");
        inRange(validUsers, "validUsers", nUsers, "nUsers");
        inRange(validItems, "validItems", nItems, "nItems");
        BitSet[] trainKnown = known(trainUsers, trainItems, nUsers);
        BitSet[] allKnown = known(trainUsers, trainItems, nUsers);
        for (int i = 0; i < validUsers.length; i++) {
            allKnown[validUsers[i]].set(validItems[i]);
        }
        int[][] t = withNegatives(trainUsers, trainItems, trainKnown, nItems, "training");
        int[][] v = withNegatives(validUsers, validItems, allKnown, nItems, "validation");
        return new BprDataLoaders(
                new BprDataLoader(t[0], t[1], nItems, trainKnown, bs, true, seed),
                new BprDataLoader(v[0], v[1], nItems, allKnown, bs, false, seed + 1));
    }

    private static void inRange(int[] indices, String name, int n, String nName) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 1 || indices[i] >= n) {
                throw new IllegalArgumentException(
                        name + "[" + i + "] is " + indices[i] + ", outside 1.." + (n - 1) + " (" + nName + " = " + n
                                + ", #na# at 0): give vocabulary indices, e.g. dls.users().indexOf(user).");
            }
        }
    }

    // A user who rated every item has no negative to rank an item above: their pairs are skipped, and said so.
    private static int[][] withNegatives(int[] users, int[] items, BitSet[] known, int nItems, String what) {
        int kept = 0, skippedUsers = 0, example = -1;
        int[] u = new int[users.length];
        int[] i = new int[users.length];
        java.util.BitSet counted = new java.util.BitSet();
        java.util.BitSet full = new java.util.BitSet();
        for (int user = 0; user < known.length; user++) {
            full.set(user, known[user].cardinality() >= nItems - 1);
        }
        for (int r = 0; r < users.length; r++) {
            if (full.get(users[r])) {
                if (!counted.get(users[r])) {
                    counted.set(users[r]);
                    skippedUsers++;
                    example = example < 0 ? users[r] : example;
                }
                continue;
            }
            u[kept] = users[r];
            i[kept++] = items[r];
        }
        if (skippedUsers > 0) {
            System.out.println("BprDataLoaders: " + skippedUsers + " user(s) rated every item (e.g. user index "
                    + example
                    + "), so no item can be drawn as their negative: their " + (users.length - kept) + " " + what
                    + " pairs are skipped.");
        }
        return new int[][] {java.util.Arrays.copyOf(u, kept), java.util.Arrays.copyOf(i, kept)};
    }

    private static BitSet[] known(int[] users, int[] items, int nUsers) {
        BitSet[] k = new BitSet[nUsers];
        for (int u = 0; u < nUsers; u++) {
            k[u] = new BitSet();
        }
        for (int i = 0; i < users.length; i++) {
            k[users[i]].set(items[i]);
        }
        return k;
    }

    // Every row of a ratings loader in one batch (its public view), less pairs with #na#.
    @Override
    public String toString() {
        return "BprDataLoaders(train " + train + ", valid " + valid + ")";
    }
}
