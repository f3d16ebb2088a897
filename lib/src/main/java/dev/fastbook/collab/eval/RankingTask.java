package dev.fastbook.collab.eval;

import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.DataLoader;
import dev.fastbook.collab.implicit.Popularity;
import dev.fastbook.collab.model.Module;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The ranking protocol on a split: each user's top-k list, the training items removed, judged
 * against the user's validation (or test) items, as Recommenders' benchmark does. The training
 * rows of the DataLoaders are what a list must leave out; the validation rows are the relevant
 * items (binary relevance). A test item that training never saw ({@code #na#}) still counts in
 * the user's relevant total, though no model can recommend it, as Recommenders counts it.
 *
 * <pre>{@code
 * var task = RankingTask.of(CollabDataLoaders.from(train).valid(test).build());
 * task.evaluate(model, 10)               // ndcg@10, precision@10, recall@10, map@10
 * task.evaluate(task.popularity(), 10)   // the baseline
 * }</pre>
 */
public final class RankingTask {
    private final int nUsers;
    private final int nItems;
    private final int[][] seen;
    private final int[][] relevant;
    private final int[] testUsers;
    private final int[] trainItems;
    private final int distinctTrainItems;
    private final dev.fastbook.collab.core.Vocab userVocab;
    private final dev.fastbook.collab.core.Vocab itemVocab;

    private RankingTask(dev.fastbook.collab.core.Vocab userVocab, dev.fastbook.collab.core.Vocab itemVocab,
            int[][] rowsTrain, int[][] rowsTest) {
        this.userVocab = userVocab;
        this.itemVocab = itemVocab;
        this.nUsers = userVocab.size();
        this.nItems = itemVocab.size();
        this.trainItems = rowsTrain[1];
        this.seen = group(rowsTrain, nUsers, false);
        this.relevant = group(rowsTest, nUsers, true);
        List<Integer> users = new ArrayList<>();
        for (int u = 1; u < nUsers; u++) {
            if (relevant[u] != null) {
                users.add(u);
            }
        }
        this.testUsers = users.stream().mapToInt(Integer::intValue).toArray();
        BitSet items = new BitSet();
        for (int i : trainItems) {
            items.set(i);
        }
        this.distinctTrainItems = items.cardinality();
    }

    /** Training rows to leave out, validation rows to find. */
    public static RankingTask of(CollabDataLoaders dls) {
        return new RankingTask(dls.users(), dls.items(), rows(dls.train()), rows(dls.valid()));
    }

    /** The scores of every item for every user from a model of {@code [user, item]} rows. */
    public float[][] scores(Module model) {
        return TopKLists.scores(model, nUsers, nItems);
    }

    /** The popularity baseline's scores: how often each item was rated in training. */
    public float[][] popularity() {
        return TopKLists.sameForAll(Popularity.scores(trainItems, nItems), nUsers);
    }

    /** Each test user's k best unseen items (index lists; null for users without test rows). */
    public int[][] lists(float[][] scores, int k) {
        checked(scores, testUsers, k);
        return TopKLists.of(scores, seen, testUsers, Math.min(k, nItems)); // no list is longer than the catalogue
    }

    // Before the selection: a k it cannot hold, or a NaN score, which no order can rank.
    private void checked(float[][] scores, int[] users, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k is how many items each list holds: at least 1, got " + k + " (e.g. evaluate(scores, 10)).");
        }
        for (int u : users) {
            for (int i = 1; i < scores[u].length; i++) {
                if (Float.isNaN(scores[u][i])) {
                    throw new IllegalArgumentException("The score of " + itemVocab.name() + " " + itemVocab.get(i) + " for "
                            + userVocab.name() + " " + userVocab.get(u) + " is NaN, which cannot be ranked: the model's weights"
                            + " hold NaN (a diverged fit?). Retrain with a lower learning rate.");
                }
            }
        }
    }

    public RankingMetrics evaluate(float[][] scores, int k) {
        return RankingMetrics.of(lists(scores, k), relevant, k);
    }

    public RankingMetrics evaluate(Module model, int k) {
        return evaluate(scores(model), k);
    }

    /** Catalogue coverage of the lists: distinct recommended items over distinct training items. */
    public double coverage(float[][] scores, int k) {
        return RankingMetrics.coverage(lists(scores, k), distinctTrainItems);
    }

    /** One user's k best unseen items, by name (the item column's values), best first. */
    public List<String> topK(Object user, float[][] scores, int k) {
        int u = userVocab.requireFromTraining(user);
        checked(scores, new int[] {u}, k);
        int[] list = TopKLists.of(scores, seen, new int[] {u}, Math.min(k, nItems))[u];
        return java.util.Arrays.stream(list).mapToObj(itemVocab::get).toList();
    }

    /** One user's test items that training saw, by name. */
    public List<String> relevant(Object user) {
        int u = userVocab.requireFromTraining(user);
        return relevant[u] == null ? List.of()
                : java.util.Arrays.stream(relevant[u]).filter(i -> i > 0).mapToObj(itemVocab::get).toList();
    }

    public int users() {
        return testUsers.length;
    }

    // Every row of a loader as {users, items}, through its public batches.
    private static int[][] rows(DataLoader loader) {
        int n = loader.n();
        int[] u = new int[n];
        int[] i = new int[n];
        int k = 0;
        for (Batch b : loader.withBs(Math.max(1, n))) {
            try (b) {
                long[] x = b.x().toLongArray();
                int width = (int) b.x().getShape().get(1);
                for (int r = 0; r + 1 < x.length; r += width) {
                    u[k] = (int) x[r];
                    i[k++] = (int) x[r + 1];
                }
            }
        }
        return new int[][] {java.util.Arrays.copyOf(u, k), java.util.Arrays.copyOf(i, k)};
    }

    // Items per user; unseen test items (#na#, index 0) get distinct negative ids so each counts once.
    private static int[][] group(int[][] rows, int nUsers, boolean test) {
        List<List<Integer>> by = new ArrayList<>();
        for (int u = 0; u < nUsers; u++) {
            by.add(null);
        }
        int unseen = -1;
        for (int r = 0; r < rows[0].length; r++) {
            int u = rows[0][r];
            if (u == 0) {
                continue; // a user training never saw gets no list
            }
            if (by.get(u) == null) {
                by.set(u, new ArrayList<>());
            }
            int item = rows[1][r];
            by.get(u).add(test && item == 0 ? unseen-- : item);
        }
        int[][] out = new int[nUsers][];
        for (int u = 0; u < nUsers; u++) {
            if (by.get(u) != null) {
                out[u] = by.get(u).stream().mapToInt(Integer::intValue).distinct().toArray();
            }
        }
        return out;
    }
}
