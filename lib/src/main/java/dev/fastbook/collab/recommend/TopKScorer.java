package dev.fastbook.collab.recommend;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The k best unrated items for many users, in blocks of users so memory stays bounded at any
 * catalogue size: for each block one matrix product (users x factors times factors x items, done
 * by libtorch's BLAS) gives every score, read in place from native memory; rated items are masked
 * and the best k per row are kept in Java. Blocks are shared out between worker threads, each
 * doing its own product and selection, so both cores work on both halves.
 *
 * <p>The item bias rides along in the product as one more factor (users get a constant 1), and
 * the user bias is added at the end: it shifts a whole row, so it cannot change the order.
 */
final class TopKScorer {
    /**
     * Scores per block stay under this many floats (30 MB), whatever the catalogue size. Under
     * 32 MB glibc's malloc reuses the freed block for the next one; a larger block is a fresh
     * mmap each time, and its page faults cost more than the product (environment/BENCHMARKS.md,
     * "The full MovieLens").
     */
    static int maxBlockFloats = 7_500_000;
    /**
     * At most this many users per matrix product; more stops paying off. The system property
     * {@code fastbook.recommend.blockUsers} sets it, for measurements.
     */
    static int maxBlockUsers = Integer.getInteger("fastbook.recommend.blockUsers", 1024);

    private TopKScorer() {}

    /**
     * Row r holds user {@code users[r]}'s best items: {@code best[r * k + j]} for
     * {@code j < counts[r]}, best first, and their raw scores (dot product plus both biases).
     */
    record Rows(int k, int[] best, float[] scores, int[] counts) {}

    static Rows score(Factors fx, RatedItems rated, int[] users, int k, int threads) {
        int m = users.length;
        if ((long) m * k > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("topK(" + k + ") for " + m + " users would keep " + (long) m * k
                    + " recommendations, more than fit in memory at once: ask for fewer, or use recommend(user, k) per user.");
        }
        int nItems = fx.nItems;
        int f1 = fx.f + 1;
        int block = (int) Math.max(1, Math.min(maxBlockUsers, maxBlockFloats / nItems));
        int nBlocks = (m + block - 1) / block;
        int workers = Math.max(1, Math.min(threads, nBlocks));
        int[] best = new int[m * k];
        float[] scores = new float[m * k];
        int[] counts = new int[m];
        // (f + 1) x nItems: the item factors transposed, with the item biases as the last row
        float[] itemT = new float[f1 * nItems];
        for (int i = 0; i < nItems; i++) {
            for (int j = 0; j < fx.f; j++) {
                itemT[j * nItems + i] = fx.item[i * fx.f + j];
            }
            itemT[fx.f * nItems + i] = fx.itemBias[i];
        }
        try (NDManager shared = Tensors.manager().newSubManager()) {
            NDArray items = shared.create(itemT, new Shape(f1, nItems));
            AtomicInteger next = new AtomicInteger();
            Runnable work = () -> {
                float[] row = new float[nItems];
                float[] userBlock = new float[block * f1];
                Selector sel = new Selector(k);
                for (int b; (b = next.getAndIncrement()) < nBlocks; ) {
                    int p0 = b * block;
                    int rows = Math.min(m, p0 + block) - p0;
                    for (int r = 0; r < rows; r++) {
                        int u = users[p0 + r];
                        System.arraycopy(fx.user, u * fx.f, userBlock, r * f1, fx.f);
                        userBlock[r * f1 + fx.f] = 1f;
                    }
                    try (NDManager local = shared.newSubManager()) {
                        NDArray ub = local.create(FloatBuffer.wrap(userBlock, 0, rows * f1), new Shape(rows, f1));
                        NDArray s = ub.matMul(items); // attached to ub's manager: freed with the block
                        // a view of the native scores (no copy); read before the block's manager closes
                        FloatBuffer view = s.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
                        for (int r = 0; r < rows; r++) {
                            int u = users[p0 + r];
                            view.get(r * nItems, row, 0, nItems);
                            row[0] = Float.NEGATIVE_INFINITY; // #na# is no item
                            rated.mask(u, row, Float.NEGATIVE_INFINITY);
                            int p = p0 + r;
                            counts[p] = sel.select(row, best, scores, p * k);
                            for (int j = 0; j < counts[p]; j++) {
                                scores[p * k + j] += fx.userBias[u];
                            }
                        }
                    }
                }
            };
            run(work, workers);
        }
        return new Rows(k, best, scores, counts);
    }

    static void run(Runnable work, int workers) {
        if (workers == 1) {
            work.run();
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "topk");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                done.add(pool.submit(work));
            }
            for (Future<?> d : done) {
                d.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while ranking items", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Keeps the k largest values of a row, ties to the lower index. Small k: a sorted array and a
     * threshold (most values fail one comparison); large k: a heap, so a long list costs log k
     * per insertion instead of k.
     */
    static final class Selector {
        private static final int SORTED_MAX = 64;
        private final int k;
        private final int[] idx;
        private final float[] val;

        Selector(int k) {
            this.k = k;
            this.idx = new int[k];
            this.val = new float[k];
        }

        /**
         * Writes the best of {@code row} (values above -infinity; NaN never qualifies) into
         * {@code outIdx} / {@code outVal} from {@code at}, best first; returns how many.
         */
        int select(float[] row, int[] outIdx, float[] outVal, int at) {
            int n = k <= SORTED_MAX ? sorted(row) : heap(row);
            System.arraycopy(idx, 0, outIdx, at, n);
            System.arraycopy(val, 0, outVal, at, n);
            return n;
        }

        private int sorted(float[] row) {
            int n = 0;
            float thr = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < row.length; i++) {
                float v = row[i];
                if (v > thr) {
                    int j = n < k ? n++ : k - 1;
                    while (j > 0 && val[j - 1] < v) {
                        val[j] = val[j - 1];
                        idx[j] = idx[j - 1];
                        j--;
                    }
                    val[j] = v;
                    idx[j] = i;
                    if (n == k) {
                        thr = val[k - 1];
                    }
                }
            }
            return n;
        }

        // min-heap on (value, then higher index is worse), so the root is the first to go
        private int heap(float[] row) {
            int n = 0;
            for (int i = 0; i < row.length; i++) {
                float v = row[i];
                if (!(v > Float.NEGATIVE_INFINITY)) {
                    continue;
                }
                if (n < k) {
                    idx[n] = i;
                    val[n] = v;
                    up(n++);
                } else if (v > val[0]) {
                    idx[0] = i;
                    val[0] = v;
                    down(0, n);
                }
            }
            // pop the worst first and fill from the back: best first, ties by lower index
            int[] oi = new int[n];
            float[] ov = new float[n];
            for (int size = n; size > 0; size--) {
                oi[size - 1] = idx[0];
                ov[size - 1] = val[0];
                idx[0] = idx[size - 1];
                val[0] = val[size - 1];
                down(0, size - 1);
            }
            System.arraycopy(oi, 0, idx, 0, n);
            System.arraycopy(ov, 0, val, 0, n);
            return n;
        }

        private boolean worse(int a, int b) {
            return val[a] < val[b] || val[a] == val[b] && idx[a] > idx[b];
        }

        private void up(int c) {
            while (c > 0) {
                int p = (c - 1) / 2;
                if (!worse(c, p)) {
                    return;
                }
                swap(c, p);
                c = p;
            }
        }

        private void down(int p, int size) {
            while (true) {
                int l = 2 * p + 1;
                if (l >= size) {
                    return;
                }
                int c = l + 1 < size && worse(l + 1, l) ? l + 1 : l;
                if (!worse(c, p)) {
                    return;
                }
                swap(c, p);
                p = c;
            }
        }

        private void swap(int a, int b) {
            int ti = idx[a];
            idx[a] = idx[b];
            idx[b] = ti;
            float tv = val[a];
            val[a] = val[b];
            val[b] = tv;
        }
    }
}
