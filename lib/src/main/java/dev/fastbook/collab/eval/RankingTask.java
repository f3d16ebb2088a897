package dev.fastbook.collab.eval;

import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.UserItemPairs;
import dev.fastbook.collab.implicit.Popularity;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.recommend.RatedItems;
import dev.fastbook.collab.recommend.Scorer;
import dev.fastbook.collab.recommend.TopKSelection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The ranking protocol on a split: each user's top-k list, the training items removed, judged
 * against the user's validation (or test) items, as Recommenders' benchmark does. The training
 * rows of the DataLoaders are what a list must leave out; the validation rows are the relevant
 * items (binary relevance). A test item that training never saw ({@code #na#}) still counts in
 * the user's relevant total, though no model can recommend it, as Recommenders counts it. Lists
 * come from the Recommender's own selection ({@link TopKSelection}), so both rank alike.
 *
 * <pre>{@code
 * var task = RankingTask.of(CollabDataLoaders.from(train).valid(test).build());
 * task.evaluate(model, 10)               // ndcg@10, precision@10, recall@10, map@10
 * task.evaluate(task.popularity(), 10)   // the baseline
 * }</pre>
 */
public final class RankingTask {
    private final Vocab userVocab;
    private final Vocab itemVocab;
    private final RatedItems seen;
    private final int[][] relevant;
    private final int[] testUsers;
    private final int[] trainItems;
    private final int distinctTrainItems;

    private RankingTask(Vocab userVocab, Vocab itemVocab, int[][] rowsTrain, int[][] rowsTest) {
        this.userVocab = userVocab;
        this.itemVocab = itemVocab;
        this.trainItems = rowsTrain[1];
        this.seen = RatedItems.of(userVocab.size(), itemVocab.size(), rowsTrain[0], rowsTrain[1]);
        this.relevant = relevant(rowsTest, userVocab.size());
        List<Integer> users = new ArrayList<>();
        for (int u = 1; u < userVocab.size(); u++) {
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
        return new RankingTask(dls.users(), dls.items(), UserItemPairs.of(dls.train()), UserItemPairs.of(dls.valid()));
    }

    /** The model's scores of every item, as the Recommender ranks them ({@link Scorer#of}). */
    public Scorer scores(Module model) {
        return Scorer.of(model, itemVocab.size());
    }

    /** The popularity baseline's scores: how often each item was rated in training. */
    public Scorer popularity() {
        return Scorer.sameForEveryUser(Popularity.scores(trainItems, itemVocab.size()));
    }

    /** Each test user's k best unseen items (index lists, by user index; null for users without test rows). */
    public int[][] lists(Scorer scores, int k) {
        TopKSelection.Lists best = select(scores, testUsers, k);
        int[][] lists = new int[userVocab.size()][];
        for (int p = 0; p < testUsers.length; p++) {
            lists[testUsers[p]] = best.items(p);
        }
        return lists;
    }

    public RankingMetrics evaluate(Scorer scores, int k) {
        return RankingMetrics.of(lists(scores, k), relevant, k);
    }

    public RankingMetrics evaluate(Module model, int k) {
        return evaluate(scores(model), k);
    }

    /** Catalogue coverage of the lists: distinct recommended items over distinct training items. */
    public double coverage(Scorer scores, int k) {
        return RankingMetrics.coverage(lists(scores, k), distinctTrainItems);
    }

    /** One user's k best unseen items, by name (the item column's values), best first. */
    public List<String> topK(Object user, Scorer scores, int k) {
        int[] list = select(scores, new int[] {userVocab.requireFromTraining(user)}, k)
                .items(0);
        return Arrays.stream(list).mapToObj(itemVocab::get).toList();
    }

    /** One user's test items that training saw, by name. */
    public List<String> relevant(Object user) {
        int u = userVocab.requireFromTraining(user);
        return relevant[u] == null
                ? List.of()
                : Arrays.stream(relevant[u])
                        .filter(i -> i > 0)
                        .mapToObj(itemVocab::get)
                        .toList();
    }

    public int users() {
        return testUsers.length;
    }

    // The selection never ranks a NaN score; here one is refused, as it means a broken model, not a low score.
    private TopKSelection.Lists select(Scorer scores, int[] users, int k) {
        if (k < 1) {
            throw new IllegalArgumentException(
                    "k is how many items each list holds: at least 1, got " + k + " (e.g. evaluate(scores, 10)).");
        }
        if (scores == null || scores.items() != itemVocab.size()) {
            throw new IllegalArgumentException(
                    "The scores cover " + (scores == null ? "no" : String.valueOf(scores.items()))
                            + " items, this task's vocabulary " + itemVocab.size()
                            + " (with #na#): score with task.scores(model)"
                            + " or a Scorer built on these DataLoaders.");
        }
        TopKSelection.Lists lists =
                TopKSelection.of(scores, seen, users, k, Runtime.getRuntime().availableProcessors());
        if (lists.firstNaN() >= 0) {
            int u = users[(int) (lists.firstNaN() >>> 32)];
            int i = (int) lists.firstNaN();
            throw new IllegalArgumentException("The score of " + itemVocab.name() + " " + itemVocab.get(i) + " for "
                    + userVocab.name() + " " + userVocab.get(u) + " is NaN, which cannot be ranked: the model's weights"
                    + " hold NaN (a diverged fit?). Retrain with a lower learning rate.");
        }
        return lists;
    }

    // Each user's test items; unseen ones (#na#, index 0) get distinct negative ids so each counts once.
    private static int[][] relevant(int[][] rows, int nUsers) {
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
            by.get(u).add(item == 0 ? unseen-- : item);
        }
        int[][] out = new int[nUsers][];
        for (int u = 0; u < nUsers; u++) {
            if (by.get(u) != null) {
                out[u] = by.get(u).stream()
                        .mapToInt(Integer::intValue)
                        .distinct()
                        .toArray();
            }
        }
        return out;
    }
}
