package dev.fastbook.collab.recommend;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one top-k selection: each user's {@code k} best-scored items from a {@link Scorer}, leaving
 * out {@code #na#} (index 0) and the user's {@link RatedItems}. Scores that are NaN or -infinity
 * never rank; equal scores go to the lower item index. Each row is kept in a bounded heap of k
 * entries, so one pass over the items costs a comparison per item and log k per insertion, and
 * no users x items matrix is ever held: the scorer hands over rows block by block.
 */
public final class TopKSelection {
    private TopKSelection() {}

    /**
     * Row {@code p} (user {@code users[p]}) holds {@code best[p * k + j]} for {@code j < counts[p]},
     * best first, with their scores. {@code firstNaN} is where the first NaN score was met (row
     * {@code p} in the high half, item in the low half) or -1 when there was none.
     */
    public record Lists(int k, int[] best, float[] scores, int[] counts, long firstNaN) {
        /** Row {@code p}'s item indices, best first. */
        public int[] items(int p) {
            return Arrays.copyOfRange(best, p * k, p * k + counts[p]);
        }
    }

    /**
     * Each of {@code users}' best {@code k} items (k capped at the catalogue's size; a user who
     * rated nearly everything gets fewer), scoring on up to {@code threads} threads.
     */
    public static Lists of(Scorer scorer, RatedItems rated, int[] users, int k, int threads) {
        checkK(k);
        int kk = Math.max(0, Math.min(k, scorer.items() - 1));
        int m = users.length;
        if ((long) m * kk > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "topK(" + k + ") for " + m + " users would keep " + (long) m * kk
                            + " recommendations, more than fit in memory at once: ask for fewer, or use recommend(user, k) per user.");
        }
        int[] best = new int[m * kk];
        float[] scores = new float[m * kk];
        int[] counts = new int[m];
        AtomicLong firstNaN = new AtomicLong(Long.MAX_VALUE);
        scorer.scoreRows(users, threads, (p, row) -> {
            row[0] = Float.NEGATIVE_INFINITY; // #na# is no item
            rated.mask(users[p], row, Float.NEGATIVE_INFINITY);
            int[] nanAt = {-1};
            counts[p] = select(row, kk, best, scores, p * kk, nanAt);
            if (nanAt[0] >= 0) {
                firstNaN.accumulateAndGet(((long) p << 32) | nanAt[0], Math::min); // the same whatever the threads
            }
        });
        return new Lists(kk, best, scores, counts, firstNaN.get() == Long.MAX_VALUE ? -1 : firstNaN.get());
    }

    static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k is how many items to recommend: at least 1, got " + k + ".");
        }
    }

    /**
     * Writes the {@code k} best of {@code row} into {@code idx} / {@code val} from {@code at}, best
     * first, ties to the lower index; values that are NaN or -infinity are skipped, the first NaN's
     * index noted in {@code nanAt[0]}. Returns how many were written (fewer than k when fewer qualify).
     */
    static int select(float[] row, int k, int[] idx, float[] val, int at, int[] nanAt) {
        // a min-heap in idx/val[at .. at + n): the root is the worst kept, the first to go
        int n = 0;
        for (int i = 0; i < row.length; i++) {
            float v = row[i];
            if (!(v > Float.NEGATIVE_INFINITY)) { // NaN or masked
                if (v != v && nanAt[0] < 0) {
                    nanAt[0] = i;
                }
                continue;
            }
            if (n < k) {
                idx[at + n] = i;
                val[at + n] = v;
                up(idx, val, at, n++);
            } else if (k > 0 && v > val[at]) { // rows go up in index: an equal value loses to the one kept
                idx[at] = i;
                val[at] = v;
                down(idx, val, at, 0, n);
            }
        }
        // heap sort: move the worst to the back, one at a time, so the slice ends best first
        for (int size = n - 1; size > 0; size--) {
            swap(idx, val, at, 0, size);
            down(idx, val, at, 0, size);
        }
        return n;
    }

    private static boolean worse(int[] idx, float[] val, int a, int b) {
        return val[a] < val[b] || val[a] == val[b] && idx[a] > idx[b];
    }

    private static void up(int[] idx, float[] val, int at, int c) {
        while (c > 0) {
            int p = (c - 1) / 2;
            if (!worse(idx, val, at + c, at + p)) {
                return;
            }
            swap(idx, val, at, c, p);
            c = p;
        }
    }

    private static void down(int[] idx, float[] val, int at, int p, int size) {
        while (true) {
            int l = 2 * p + 1;
            if (l >= size) {
                return;
            }
            int c = l + 1 < size && worse(idx, val, at + l + 1, at + l) ? l + 1 : l;
            if (!worse(idx, val, at + c, at + p)) {
                return;
            }
            swap(idx, val, at, c, p);
            p = c;
        }
    }

    private static void swap(int[] idx, float[] val, int at, int a, int b) {
        int ti = idx[at + a];
        idx[at + a] = idx[at + b];
        idx[at + b] = ti;
        float tv = val[at + a];
        val[at + a] = val[at + b];
        val[at + b] = tv;
    }
}
