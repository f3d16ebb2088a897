package dev.fastbook.collab.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fastai's {@code TabDataLoader} for one side of a split: iterating it gives the epoch's batches.
 * It owns what an epoch needs: the order (the training loader reshuffles on every iteration, from
 * its seeded generator), dropping the last partial batch (training only) and the batch size.
 *
 * <pre>{@code
 * for (Batch b : dls.train()) { try (b) { ... } }   // one epoch, in a new shuffled order
 * dls.valid().withBs(4096)                          // the same rows in larger chunks
 * }</pre>
 *
 * <p>The rows are held as three arrays (user index, item index, rating) and, when shuffling, one
 * int order shared by every view of the loader: 16 bytes per rating in all. Each batch owns a
 * sub-manager of {@link Tensors#manager()}; close the batch to free it.
 */
public final class TabDataLoader implements DataLoader {
    private final int[] user;
    private final int[] item;
    private final float[] rating;
    private final int bs;
    private final boolean dropLast;
    private final Shuffler shuffler; // null: rows in their stored order
    // The extra columns, by column then row: categorical codes and normalised continuous values.
    private final int[][] cats;
    private final float[][] conts;
    private final int naRows;

    /** The shuffled order, reused by every epoch and shared by the views {@link #withBs} makes. */
    static final class Shuffler {
        private final Random random;
        private int[] order;
        private int generation;

        Shuffler(Random random) {
            this.random = random;
        }

        // The same calls on the same generator as a fresh Fisher-Yates permutation of 0..n-1, so a
        // seed gives the order it always gave.
        int[] next(int n) {
            if (order == null) {
                order = new int[n];
            }
            int[] p = order;
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = p[i];
                p[i] = p[j];
                p[j] = tmp;
            }
            generation++;
            return p;
        }
    }

    TabDataLoader(int[] user, int[] item, float[] rating, int bs, boolean dropLast, Shuffler shuffler) {
        this(user, item, rating, new int[0][], new float[0][], 0, bs, dropLast, shuffler);
    }

    /** With extra columns, and the count of rows whose user or item is {@code #na#} (unseen in training). */
    TabDataLoader(
            int[] user,
            int[] item,
            float[] rating,
            int[][] cats,
            float[][] conts,
            int naRows,
            int bs,
            boolean dropLast,
            Shuffler shuffler) {
        if (bs < 1) {
            throw new IllegalArgumentException("The batch size must be at least 1, got " + bs);
        }
        if (dropLast && bs > rating.length) {
            throw new IllegalArgumentException("Batch size " + bs + " does not fit: there are " + rating.length
                    + " training rows and the last partial batch is dropped. Use a batch size between 1 and "
                    + rating.length + ".");
        }
        this.user = user;
        this.item = item;
        this.rating = rating;
        this.bs = bs;
        this.dropLast = dropLast;
        this.shuffler = shuffler;
        this.cats = cats;
        this.conts = conts;
        this.naRows = naRows;
    }

    /** The same rows, order and shuffling generator with another batch (or chunk) size. */
    @Override
    public TabDataLoader withBs(int batchSize) {
        return new TabDataLoader(user, item, rating, cats, conts, naRows, batchSize, dropLast, shuffler);
    }

    /** Batches per iteration: with drop-last the last partial batch does not count. */
    @Override
    public int size() {
        return dropLast ? rating.length / bs : (rating.length + bs - 1) / bs;
    }

    /** Rows in this loader (fastai's {@code n}). */
    @Override
    public int n() {
        return rating.length;
    }

    @Override
    public int bs() {
        return bs;
    }

    /** Whether every iteration takes the rows in a new random order. */
    public boolean shuffle() {
        return shuffler != null;
    }

    /** The one line that says how many of these rows are coded #na#, for {@code what} ("validation", "test"). */
    String naLine(String what) {
        return String.format(
                java.util.Locale.ROOT,
                "CollabDataLoaders: %,d of %,d %s rows have a user or item not seen in"
                        + " training; they are coded #na# (index 0), as fastai does",
                naRows(),
                n(),
                what);
    }

    /** Lines already printed in this JVM (a kernel session): rebuilding the same split says nothing new. */
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    /** Prints {@link #naLine(String)} the first time this JVM meets it, as Python's warnings do; naRows() keeps the count. */
    void sayNaLineOnce(String what) {
        String line = naLine(what);
        if (SAID.add(line)) {
            System.out.println(line);
        }
    }

    /**
     * Rows whose user or item was never seen in training, so it codes to {@code #na#} (index 0),
     * as fastai encodes them; 0 for a training loader.
     */
    public int naRows() {
        return naRows;
    }

    /** Extra categorical columns (after user and item in x) and continuous ones (in xCont). */
    public int nCat() {
        return cats.length;
    }

    public int nCont() {
        return conts.length;
    }

    /** Whether the last partial batch is left out, as fastai does for training. */
    public boolean dropLast() {
        return dropLast;
    }

    /**
     * One epoch of batches. A shuffling loader draws a new order now; only the newest iteration
     * may go on (an older one throws {@link ConcurrentModificationException}), since they share
     * one order array rather than hold 4 bytes per row each.
     */
    @Override
    public Iterator<Batch> iterator() {
        int[] order = shuffler == null ? null : shuffler.next(rating.length);
        int generation = shuffler == null ? 0 : shuffler.generation;
        int batches = size();
        return new Iterator<>() {
            private int next;
            private final int cap = Math.min(bs, rating.length);
            private final long[] x = new long[cap * (2 + cats.length)];
            private final float[] y = new float[cap];

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("All " + batches + " batches of this epoch were taken");
                }
                if (shuffler != null && shuffler.generation != generation) {
                    throw new ConcurrentModificationException("A newer iteration of this loader reshuffled its"
                            + " rows: finish one epoch before starting the next.");
                }
                int from = next * bs;
                int len = Math.min(bs, rating.length - from);
                next++;
                return batch(order, from, len, x, y);
            }
        };
    }

    /** The first batch of a new iteration, like fastai's {@code one_batch()}; close it when done. */
    public Batch oneBatch() {
        Iterator<Batch> it = iterator();
        if (!it.hasNext()) {
            throw new IllegalStateException("This loader has no batches: it holds " + rating.length + " rows.");
        }
        return it.next();
    }

    /**
     * One epoch's order of the rows, drawn as {@link #iterator()} draws it, for a loop that reads
     * batches as Java arrays with {@link #fill} (the fused training path); null when the rows stay
     * in their stored order.
     */
    public int[] epochOrder() {
        return shuffler == null ? null : shuffler.next(rating.length);
    }

    /**
     * Batch {@code b} of an epoch in {@code order} as the iterator would build it, into arrays at
     * least {@code bs()} long; returns its number of rows.
     */
    public int fill(int[] order, int b, int[] users, int[] items, float[] ratings) {
        int from = b * bs;
        int len = Math.min(bs, rating.length - from);
        for (int k = 0; k < len; k++) {
            int row = order == null ? from + k : order[from + k];
            users[k] = user[row];
            items[k] = item[row];
            ratings[k] = rating[row];
        }
        return len;
    }

    /** A new shuffled order of the rows (as one iteration draws), for decoding a batch. */
    int[] nextOrder() {
        if (shuffler == null) {
            throw new IllegalStateException("This loader keeps its rows in order");
        }
        return shuffler.next(rating.length);
    }

    int user(int row) {
        return user[row];
    }

    int item(int row) {
        return item[row];
    }

    float rating(int row) {
        return rating[row];
    }

    int cat(int column, int row) {
        return cats[column][row];
    }

    float cont(int column, int row) {
        return conts[column][row];
    }

    private Batch batch(int[] order, int from, int len, long[] x, float[] y) {
        if (cats.length + conts.length > 0) {
            return batchWithExtras(order, from, len, x, y);
        }
        for (int k = 0; k < len; k++) {
            int row = order == null ? from + k : order[from + k];
            x[2 * k] = user[row];
            x[2 * k + 1] = item[row];
            y[k] = rating[row];
        }
        NDManager m = Tensors.manager().newSubManager();
        try {
            // create copies the arrays, so the iterator reuses them for the next batch.
            var xs = m.create(java.nio.LongBuffer.wrap(x, 0, len * 2), new Shape(len, 2));
            var ys = m.create(java.nio.FloatBuffer.wrap(y, 0, len), new Shape(len, 1));
            return new Batch(xs, ys, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    // x holds user, item and the extra categories per row; the continuous columns go to xCont.
    private Batch batchWithExtras(int[] order, int from, int len, long[] x, float[] y) {
        int width = 2 + cats.length, nCont = conts.length;
        float[] xc = new float[len * nCont];
        for (int k = 0; k < len; k++) {
            int row = order == null ? from + k : order[from + k];
            x[width * k] = user[row];
            x[width * k + 1] = item[row];
            for (int j = 0; j < cats.length; j++) {
                x[width * k + 2 + j] = cats[j][row];
            }
            for (int j = 0; j < nCont; j++) {
                xc[nCont * k + j] = conts[j][row];
            }
            y[k] = rating[row];
        }
        NDManager m = Tensors.manager().newSubManager();
        try {
            var xs = m.create(java.nio.LongBuffer.wrap(x, 0, len * width), new Shape(len, width));
            var ys = m.create(java.nio.FloatBuffer.wrap(y, 0, len), new Shape(len, 1));
            var cs = nCont == 0 ? null : m.create(java.nio.FloatBuffer.wrap(xc), new Shape(len, nCont));
            return new Batch(xs, ys, m, cs);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "TabDataLoader(" + rating.length + " rows, bs " + bs + ", " + size()
                + (size() == 1 ? " batch" : " batches")
                + (shuffler != null ? ", shuffled" : "") + (dropLast ? ", drop last" : "")
                + (naRows > 0 ? ", " + naRows + " with #na#" : "") + ")";
    }
}
