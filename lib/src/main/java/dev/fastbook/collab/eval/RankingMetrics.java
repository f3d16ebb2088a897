package dev.fastbook.collab.eval;

import java.util.Locale;

/**
 * The quality of top-k lists against held-out items, as Microsoft Recommenders'
 * {@code python_evaluation.py} defines precision@k, recall@k, nDCG@k and MAP@k (relevance is
 * binary: an item is relevant when it is among the user's test rows).
 *
 * <p>Users are those with both a list and at least one test item (Recommenders' "common users").
 * Per user, with {@code hits} the list's first k items found in the test rows and {@code actual}
 * the number of test items:
 * <ul>
 * <li>precision = hits / k (also when the list is shorter than k, as Recommenders and Spark do);
 * <li>recall = hits / actual;
 * <li>nDCG = the sum of 1/log(1 + rank) over the hits, over the same sum for ranks 1..min(actual, k);
 * <li>MAP = the sum over the hits of (hits so far / rank), over min(actual, k) (their {@code map_at_k}).
 * </ul>
 * Each is averaged over the users. One difference: Recommenders' {@code ndcg_at_k} averages over every
 * user of the test table, ours over the common users as its other metrics do; the two agree whenever
 * every test user has a list (as in every protocol here).
 *
 * @param users the users averaged over
 */
public record RankingMetrics(int k, int users, double precision, double recall, double ndcg, double map) {

    /**
     * Scores {@code lists[u]} (user u's recommendations, best first; null when u has none)
     * against {@code relevant[u]} (u's test items, distinct; null or empty when u has none).
     * Only the first k items of each list count.
     */
    public static RankingMetrics of(int[][] lists, int[][] relevant, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (lists.length != relevant.length) {
            throw new IllegalArgumentException("lists and relevant must be indexed by the same users: " + lists.length
                    + " lists for " + relevant.length + " users' test items");
        }
        double p = 0, r = 0, n = 0, m = 0;
        int users = 0;
        for (int u = 0; u < lists.length; u++) {
            if (lists[u] == null || relevant[u] == null || relevant[u].length == 0) {
                continue;
            }
            users++;
            java.util.Set<Integer> truth = new java.util.HashSet<>();
            for (int item : relevant[u]) {
                truth.add(item);
            }
            int actual = truth.size();
            int hits = 0;
            double dcg = 0, ap = 0;
            int len = Math.min(k, lists[u].length);
            for (int j = 0; j < len; j++) {
                if (truth.contains(lists[u][j])) {
                    hits++;
                    dcg += 1 / Math.log(2 + j);
                    ap += (double) hits / (j + 1);
                }
            }
            double idcg = 0;
            for (int j = 0; j < Math.min(actual, k); j++) {
                idcg += 1 / Math.log(2 + j);
            }
            p += (double) hits / k;
            r += (double) hits / actual;
            n += dcg / idcg;
            m += ap / Math.min(actual, k);
        }
        if (users == 0) {
            throw new IllegalArgumentException("No user has both a list and test items: check that lists and test"
                    + " items are indexed by the same user vocabulary.");
        }
        return new RankingMetrics(k, users, p / users, r / users, n / users, m / users);
    }

    /**
     * Catalogue coverage as Recommenders' {@code catalog_coverage}: the distinct items in all the
     * lists over the distinct items of the training data ({@code trainItems}).
     */
    public static double coverage(int[][] lists, int trainItems) {
        if (trainItems < 1) {
            throw new IllegalArgumentException("trainItems must be at least 1, got " + trainItems);
        }
        java.util.BitSet seen = new java.util.BitSet();
        for (int[] list : lists) {
            if (list != null) {
                for (int item : list) {
                    seen.set(item);
                }
            }
        }
        return (double) seen.cardinality() / trainItems;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "ndcg@%d=%.4f precision@%d=%.4f recall@%d=%.4f map@%d=%.4f (%d users)",
                k,
                ndcg,
                k,
                precision,
                k,
                recall,
                k,
                map,
                users);
    }
}
