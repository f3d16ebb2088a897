package dev.fastbook.collab.recommend;

import java.util.Arrays;

/**
 * Which items each user has rated, the one exclusion every top-k list applies (the Recommender's,
 * the evaluation's, a new user's). Stored compactly (CSR style): one sorted, duplicate-free int
 * array of item indices for all users, and each user's start in it. 25M ratings take 100 MB,
 * where a bit set per user would take 1.2 GB at 162K users x 59K items.
 */
public final class RatedItems {
    private final int nUsers;
    /** User u's items are {@code items[start[u]] .. items[start[u + 1] - 1]}, ascending. */
    private final int[] start;

    private final int[] items;

    private RatedItems(int nUsers, int[] start, int[] items) {
        this.nUsers = nUsers;
        this.start = start;
        this.items = items;
    }

    /** The pairs {@code (users[j], items[j])} of vocabulary indices, for {@code nUsers} users and {@code nItems} items. */
    public static RatedItems of(int nUsers, int nItems, int[] users, int[] items) {
        checkPairs(nUsers, nItems, users, items);
        return none(nUsers).plus(users, items, users.length);
    }

    /** Refuses pairs that are not vocabulary indices, naming the first such pair. */
    static void checkPairs(int nUsers, int nItems, int[] users, int[] items) {
        if (users == null || items == null || users.length != items.length) {
            throw new IllegalArgumentException("Give two index arrays of the same length (users, items), got "
                    + (users == null ? "null" : users.length) + " and " + (items == null ? "null" : items.length));
        }
        for (int j = 0; j < users.length; j++) {
            if (users[j] < 0 || users[j] >= nUsers || items[j] < 0 || items[j] >= nItems) {
                throw new IllegalArgumentException(
                        "Pair " + j + " is (" + users[j] + ", " + items[j] + "), outside the vocabularies (" + nUsers
                                + " users, " + nItems + " items): give vocabulary indices.");
            }
        }
    }

    static RatedItems none(int nUsers) {
        return new RatedItems(nUsers, new int[nUsers + 1], new int[0]);
    }

    /** These pairs and {@code n} more (users[j], items[j]); duplicates are kept once. */
    RatedItems plus(int[] users, int[] newItems, int n) {
        long total = items.length + (long) n;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Too many rated pairs to exclude (" + total + "): at most "
                    + (Integer.MAX_VALUE - 8) + " fit in one Recommender.");
        }
        // counting sort by user: one pass to count, one to place
        int[] next = new int[nUsers + 1];
        for (int u = 0; u < nUsers; u++) {
            next[u + 1] = start[u + 1] - start[u];
        }
        for (int j = 0; j < n; j++) {
            next[users[j] + 1]++;
        }
        for (int u = 0; u < nUsers; u++) {
            next[u + 1] += next[u];
        }
        int[] all = new int[(int) total];
        int[] fill = Arrays.copyOf(next, nUsers);
        for (int u = 0; u < nUsers; u++) {
            for (int p = start[u]; p < start[u + 1]; p++) {
                all[fill[u]++] = items[p];
            }
        }
        for (int j = 0; j < n; j++) {
            all[fill[users[j]]++] = newItems[j];
        }
        // sort each user's items and squeeze out repeats (a data set may rate a pair twice)
        int[] compact = new int[nUsers + 1];
        int w = 0;
        for (int u = 0; u < nUsers; u++) {
            int from = next[u];
            int to = next[u + 1];
            Arrays.sort(all, from, to);
            compact[u] = w;
            for (int p = from; p < to; p++) {
                if (p == from || all[p] != all[p - 1]) {
                    all[w++] = all[p];
                }
            }
        }
        compact[nUsers] = w;
        return new RatedItems(nUsers, compact, w == all.length ? all : Arrays.copyOf(all, w));
    }

    /** How many distinct (user, item) pairs are stored. */
    int pairs() {
        return items.length;
    }

    int count(int user) {
        return (start[user + 1] - start[user]);
    }

    /** Sets {@code row[i]} to {@code value} for every item {@code i} the user rated. */
    void mask(int user, float[] row, float value) {
        for (int p = start[user]; p < start[user + 1]; p++) {
            row[items[p]] = value;
        }
    }

    boolean contains(int user, int item) {
        return Arrays.binarySearch(items, start[user], start[user + 1], item) >= 0;
    }

    /** The user's rated items, ascending. */
    int[] itemsOf(int user) {
        return Arrays.copyOfRange(items, start[user], start[user + 1]);
    }
}
