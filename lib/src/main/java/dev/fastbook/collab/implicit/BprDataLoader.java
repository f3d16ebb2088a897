package dev.fastbook.collab.implicit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.DataLoader;
import java.util.BitSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Batches for a pairwise ranking loss: each row is {@code [user, positive, negative]}, a (user,
 * item) pair the user rated and an item drawn uniformly from those the user never rated (as
 * Cornac's and the BPR paper's sampler does); {@code y} is zeros, unused by {@link Bpr#loss()}.
 * A training loader reshuffles its pairs and draws new negatives every epoch; a validation
 * loader ({@code shuffle=false}) draws the same negatives every time, so its loss compares
 * across epochs.
 */
public final class BprDataLoader implements DataLoader {
    private final int[] users;
    private final int[] items;
    private final int nItems;
    private final BitSet[] known;
    private final int bs;
    private final boolean shuffle;
    private final Random random;
    private final long seed;

    /**
     * @param users, items the positive pairs, as vocabulary indices
     * @param nItems the item vocabulary's size (index 0, {@code #na#}, is never drawn)
     * @param known each user's items that may not be drawn as negatives (at least its positives)
     */
    public BprDataLoader(int[] users, int[] items, int nItems, BitSet[] known, int bs, boolean shuffle, long seed) {
        if (users.length != items.length) {
            throw new IllegalArgumentException(
                    users.length + " users for " + items.length + " items: give one of each per pair.");
        }
        if (bs < 1) {
            throw new IllegalArgumentException("The batch size must be at least 1, got " + bs);
        }
        if (users.length == 0) {
            throw new IllegalArgumentException("No positive pairs: a ranking loss needs rated items to learn from.");
        }
        if (shuffle && users.length < bs) {
            throw new IllegalArgumentException(
                    "Batch size " + bs + " gives no training batch: there are " + users.length
                            + " positive pairs and the last partial batch is dropped. Use a batch size of at most "
                            + users.length + ".");
        }
        if (nItems < 3) {
            throw new IllegalArgumentException("Only " + (nItems - 1) + " item(s): nothing to rank.");
        }
        this.users = users;
        this.items = items;
        this.nItems = nItems;
        this.known = known;
        this.bs = bs;
        this.shuffle = shuffle;
        this.seed = seed;
        this.random = new Random(seed);
    }

    @Override
    public int size() {
        return shuffle ? users.length / bs : (users.length + bs - 1) / bs;
    }

    @Override
    public int n() {
        return users.length;
    }

    @Override
    public int bs() {
        return bs;
    }

    @Override
    public BprDataLoader withBs(int batchSize) {
        return new BprDataLoader(users, items, nItems, known, batchSize, shuffle, seed);
    }

    @Override
    public Iterator<Batch> iterator() {
        Random r = shuffle ? random : new Random(seed);
        int[] order = new int[users.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        int batches = size();
        return new Iterator<>() {
            int b;

            @Override
            public boolean hasNext() {
                return b < batches;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int from = b++ * bs;
                int len = Math.min(bs, order.length - from);
                long[] x = new long[len * 3];
                for (int k = 0; k < len; k++) {
                    int row = order[from + k];
                    x[3 * k] = users[row];
                    x[3 * k + 1] = items[row];
                    x[3 * k + 2] = negative(users[row], r);
                }
                NDManager m = Tensors.manager().newSubManager();
                NDArray xs = m.create(x, new Shape(len, 3));
                NDArray ys = m.zeros(new Shape(len, 1));
                return new Batch(xs, ys, m);
            }
        };
    }

    // Rejection sampling: users rate a small share of the catalogue, so a few draws suffice. A
    // user who rated (nearly) everything gets any item after 100 draws rather than looping.
    private int negative(int user, Random r) {
        BitSet k = known[user];
        int item = 1 + r.nextInt(nItems - 1);
        for (int tries = 0; k != null && k.get(item) && tries < 100; tries++) {
            item = 1 + r.nextInt(nItems - 1);
        }
        return item;
    }

    @Override
    public String toString() {
        return "BprDataLoader(" + users.length + " positive pairs, " + (nItems - 1) + " items, bs " + bs
                + (shuffle ? ", shuffled, new negatives each epoch)" : ", fixed negatives)");
    }
}
