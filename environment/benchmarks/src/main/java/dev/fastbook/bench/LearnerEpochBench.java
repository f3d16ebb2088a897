package dev.fastbook.bench;

import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.CollabLearner;
import java.util.Locale;
import java.util.Random;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * One epoch through the real Learner at the ML-25M model shape (162,541 users x 59,047 items, 50
 * factors, bs 4096, lr 5e-3, wd 0.1) on random ratings (default 2M, so the loaders build fast):
 * the exact step is O(weights), so seconds per batch x 4,883 batches estimates an ML-25M epoch.
 *
 * <p>Run: {@code environment/bench --main LearnerEpochBench [exact|lazy] [ratings]}
 */
public final class LearnerEpochBench {
    public static void main(String[] args) {
        boolean lazy = args.length > 0 && args[0].equals("lazy");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        Random r = new Random(1);
        int[] u = new int[n], it = new int[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = i < 162_541 ? i : r.nextInt(162_541); // every user and item appears
            it[i] = i < 59_047 ? i : r.nextInt(59_047);
            y[i] = 0.5 * (1 + r.nextInt(10));
        }
        Table t = Table.create(
                "ratings",
                IntColumn.create("user", u),
                IntColumn.create("movie", it),
                DoubleColumn.create("rating", y));
        Tensors.seed(42);
        CollabDataLoaders dls = CollabDataLoaders.from(t).bs(4096).seed(42).build();
        var learn = CollabLearner.collabLearner(dls, 50, YRange.of(0, 5.5)).lazyUpdates(lazy);
        long t0 = System.nanoTime();
        learn.fitOneCycle(1, 5e-3, 0.1);
        double s = (System.nanoTime() - t0) / 1e9;
        double perBatch = learn.results().rows().get(0).seconds() / dls.train().size();
        System.out.printf(
                Locale.ROOT,
                "RESULT learner mode=%s users=%d items=%d batches=%d epoch_s=%.1f ms_per_batch=%.2f"
                        + " est_ml25m_epoch_s=%.0f valid_mse=%.4f%n",
                lazy ? "lazy" : "exact",
                dls.users().size(),
                dls.items().size(),
                dls.train().size(),
                s,
                perBatch * 1000,
                perBatch * 4883,
                learn.results().finalValidLoss());
    }
}
