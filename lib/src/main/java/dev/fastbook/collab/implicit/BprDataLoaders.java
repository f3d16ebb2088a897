package dev.fastbook.collab.implicit;

import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.DataLoaders;
import dev.fastbook.collab.data.DataLoader;

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
        int[][] t = pairs(dls.train());
        int[][] v = pairs(dls.valid());
        return of(t[0], t[1], v[0], v[1], dls.users().size(), dls.items().size(), bs, seed);
    }

    /** From encoded positive pairs (vocabulary indices, 0 = {@code #na#}) of training and validation. */
    public static BprDataLoaders of(int[] trainUsers, int[] trainItems, int[] validUsers, int[] validItems,
            int nUsers, int nItems, int bs, long seed) {
        BitSet[] trainKnown = known(trainUsers, trainItems, nUsers);
        BitSet[] allKnown = known(trainUsers, trainItems, nUsers);
        for (int i = 0; i < validUsers.length; i++) {
            allKnown[validUsers[i]].set(validItems[i]);
        }
        return new BprDataLoaders(new BprDataLoader(trainUsers, trainItems, nItems, trainKnown, bs, true, seed),
                new BprDataLoader(validUsers, validItems, nItems, allKnown, bs, false, seed + 1));
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
    private static int[][] pairs(DataLoader loader) {
        int n = loader.n();
        int[] u = new int[n];
        int[] i = new int[n];
        int k = 0;
        for (Batch b : loader.withBs(n)) {
            try (b) {
                long[] x = b.x().toLongArray();
                int width = (int) b.x().getShape().get(1);
                for (int r = 0; r + 1 < x.length; r += width) {
                    if (x[r] != 0 && x[r + 1] != 0) {
                        u[k] = (int) x[r];
                        i[k++] = (int) x[r + 1];
                    }
                }
            }
        }
        return new int[][] {java.util.Arrays.copyOf(u, k), java.util.Arrays.copyOf(i, k)};
    }

    @Override
    public String toString() {
        return "BprDataLoaders(train " + train + ", valid " + valid + ")";
    }
}
