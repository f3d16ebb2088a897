package dev.fastbook.bench;

import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingNN;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.movielens.MovieLens;
import dev.fastbook.collab.recommend.Recommender;
import dev.fastbook.collab.recommend.TopK;
import dev.fastbook.collab.train.CollabLearner;
import dev.fastbook.collab.train.Learner;
import java.util.Arrays;
import java.util.Locale;
import tech.tablesaw.api.Table;

/**
 * Not a unit test: times top-10 for every user from the neural model (fastai's
 * {@code use_nn=True}, layers 100 and 50), which scores every (user, item) pair through its MLP,
 * rated items excluded. For each release named (default ml-100k and ml-latest-small): trains one
 * epoch, then prints one {@code RESULT} line with the median of 3 timed runs after a warm-up, in
 * wall-clock seconds and in the process's CPU seconds (steadier on a shared machine), and the load average.
 * Run: {@code environment/bench --main NeuralTopKTime [release...]} (README, "Any model recommends");
 * {@code -Dfastbook.recommend.maxPairs=N} sets the pairs per call.
 */
public final class NeuralTopKTime {
    public static void main(String[] args) {
        for (String name : args.length > 0 ? args : new String[] {"ml-100k", "ml-latest-small"}) {
            Tensors.seed(42);
            Table ratings = MovieLens.dataset(name).ratings();
            CollabDataLoaders dls =
                    CollabDataLoaders.from(ratings).bs(1024).seed(42).build();
            Learner<CollabDataLoaders, EmbeddingNN> learn = CollabLearner.collabLearnerNn(
                            dls, new int[] {100, 50}, YRange.of(0, 5.5))
                    .quiet();
            learn.fitOneCycle(1, 5e-3, 0.01);
            Recommender rec = Recommender.of(learn).excludeRated(ratings);
            TopK top = rec.topK(10); // warm-up
            double[] s = new double[3];
            double[] cpu = new double[3];
            for (int i = 0; i < s.length; i++) {
                long t = System.nanoTime();
                long c = cpuNanos();
                top = rec.topK(10);
                s[i] = (System.nanoTime() - t) / 1e9;
                cpu[i] = (cpuNanos() - c) / 1e9;
            }
            Arrays.sort(cpu);
            Arrays.sort(s);
            long pairs = (long) top.users() * (dls.items().size() - 1);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT data=%s model=EmbeddingNN(100,50) pairs_per_call=%s users=%d items=%d pairs_scored=%d"
                            + " rated_excluded=%d topk10_seconds=%.2f (runs %s) cpu_seconds=%.2f threads=%d load=%.1f%n",
                    name,
                    System.getProperty("fastbook.recommend.maxPairs", "default"),
                    top.users(),
                    dls.items().size() - 1,
                    pairs,
                    ratings.rowCount(),
                    s[1],
                    Arrays.toString(s),
                    cpu[1],
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
        }
    }

    /** CPU time of the whole process (all threads, native ones included). */
    private static long cpuNanos() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(0L);
    }
}
