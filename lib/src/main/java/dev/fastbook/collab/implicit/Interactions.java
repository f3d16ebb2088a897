package dev.fastbook.collab.implicit;

import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.UserItemPairs;
import dev.fastbook.collab.recommend.Scorer;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Implicit feedback as a user x item table of ones: who bought, watched or clicked what, with no
 * rating. Users and items are vocabulary indices (0 is {@code #na#} and never holds a one), so
 * the item models' scores line up with a {@code RankingTask} on the same DataLoaders.
 *
 * <pre>{@code
 * var x = Interactions.of(dls);      // the training rows of any CollabDataLoaders
 * var ease = Ease.fit(x, 200);
 * task.evaluate(ease.scores(), 10);
 * }</pre>
 */
public final class Interactions {
    private final int nUsers;
    private final int nItems;
    private final int[][] byUser;

    private Interactions(int nUsers, int nItems, int[][] byUser) {
        this.nUsers = nUsers;
        this.nItems = nItems;
        this.byUser = byUser;
    }

    /** The (user, item) pairs of {@code dls}' training rows; the rating column is ignored. */
    public static Interactions of(CollabDataLoaders dls) {
        int[][] rows = UserItemPairs.of(dls.train());
        return of(rows[0], rows[1], dls.users().size(), dls.items().size());
    }

    /** From encoded pairs; a pair given twice counts once, pairs with index 0 ({@code #na#}) are left out. */
    public static Interactions of(int[] users, int[] items, int nUsers, int nItems) {
        if (users.length != items.length) {
            throw new IllegalArgumentException(
                    users.length + " users for " + items.length + " items: give one of each per pair.");
        }
        BitSet[] sets = new BitSet[nUsers];
        for (int r = 0; r < users.length; r++) {
            int u = users[r];
            int i = items[r];
            if (u < 0 || u >= nUsers || i < 0 || i >= nItems) {
                throw new IllegalArgumentException(
                        "Pair " + r + " is (" + u + ", " + i + "), outside " + nUsers + " users x " + nItems
                                + " items: encode the pairs with the vocabularies whose sizes you pass.");
            }
            if (u != 0 && i != 0) {
                if (sets[u] == null) {
                    sets[u] = new BitSet(nItems);
                }
                sets[u].set(i);
            }
        }
        int[][] byUser = new int[nUsers][];
        for (int u = 0; u < nUsers; u++) {
            byUser[u] = sets[u] == null ? new int[0] : sets[u].stream().toArray();
        }
        return new Interactions(nUsers, nItems, byUser);
    }

    public int nUsers() {
        return nUsers;
    }

    public int nItems() {
        return nItems;
    }

    /** User u's items, ascending. */
    public int[] items(int u) {
        return byUser[u].clone();
    }

    /** How many users have each item. */
    public int[] itemCounts() {
        int[] c = new int[nItems];
        for (int[] items : byUser) {
            for (int i : items) {
                c[i]++;
            }
        }
        return c;
    }

    /** How many items each user has. */
    public int[] userCounts() {
        return Arrays.stream(byUser).mapToInt(a -> a.length).toArray();
    }

    /**
     * The item x item matrix {@code Xᵀ diag(w) X}: entry (i, j) sums {@code w[u]} over the users
     * who have both i and j (with all weights 1, how many users share the two items).
     */
    public double[][] gram(double[] userWeight) {
        double[][] g = new double[nItems][nItems];
        for (int u = 0; u < nUsers; u++) {
            int[] items = byUser[u];
            for (int i : items) {
                double[] row = g[i];
                for (int j : items) {
                    row[j] += userWeight[u];
                }
            }
        }
        return g;
    }

    /**
     * {@code X W} as a {@link Scorer}: a user's score for item j is the sum of {@code w[i][j]} over
     * the user's items i, computed one user's row at a time (no users x items matrix). Row 0
     * ({@code #na#}) stays zero.
     */
    public Scorer times(double[][] w) {
        if (w.length != nItems) {
            throw new IllegalArgumentException("A weight matrix of " + w.length + " rows for " + nItems + " items");
        }
        return new Scorer() {
            @Override
            public int items() {
                return nItems;
            }

            @Override
            public void scoreRows(int[] users, int threads, Rows rows) {
                double[] acc = new double[nItems];
                float[] row = new float[nItems];
                for (int p = 0; p < users.length; p++) {
                    Arrays.fill(acc, 0);
                    int u = users[p];
                    if (u > 0 && u < nUsers) {
                        for (int i : byUser[u]) {
                            double[] wi = w[i];
                            for (int j = 0; j < nItems; j++) {
                                acc[j] += wi[j];
                            }
                        }
                    }
                    for (int j = 0; j < nItems; j++) {
                        row[j] = (float) acc[j];
                    }
                    rows.accept(p, row);
                }
            }
        };
    }

    @Override
    public String toString() {
        long n = Arrays.stream(byUser).mapToLong(a -> a.length).sum();
        return "Interactions(" + (nUsers - 1) + " users x " + (nItems - 1) + " items, " + n + " pairs)";
    }
}
