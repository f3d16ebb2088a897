package dev.fastbook.bench;

import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.movielens.MovieLens;
import dev.fastbook.collab.train.CollabLearner;
import dev.fastbook.collab.train.Learner;
import dev.fastbook.collab.train.ResultsTable;
import java.util.Arrays;
import tech.tablesaw.api.Table;

/**
 * The chapter's collab_learner training on MovieLens 100k, timed like
 * environment/bench-ref/train_reference.py: one row per epoch, then
 * {@code RESULT s_per_epoch=<median of epochs 2..n> final_valid_mse=<x>} and memory figures.
 *
 * <p>Arguments: {@code [--epochs 5] [--lr 5e-3] [--wd 0.1] [--bs 64] [--factors 50] [--seed 42]
 * [--path auto|fused|djl]} (the Learner's training path; auto takes the fused one where it applies).
 */
public final class TrainingBenchmark {
    public static void main(String[] args) {
        int epochs = 5, bs = 64, factors = 50;
        double lr = 5e-3, wd = 0.1;
        long seed = 42;
        String path = "auto";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
                case "--lr" -> lr = Double.parseDouble(args[i + 1]);
                case "--wd" -> wd = Double.parseDouble(args[i + 1]);
                case "--bs" -> bs = Integer.parseInt(args[i + 1]);
                case "--factors" -> factors = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--path" -> path = args[i + 1];
                default ->
                    throw new IllegalArgumentException("Unknown option " + args[i]
                            + "; use --epochs --lr --wd --bs --factors --seed --path fused|djl|auto");
            }
        }
        Tensors.seed(seed);
        Table ratings = MovieLens.ratings().joinOn("movie").inner(MovieLens.movies());
        CollabDataLoaders dls = CollabDataLoaders.from(ratings)
                .itemName("title")
                .bs(bs)
                .seed(seed)
                .build();
        Learner<CollabDataLoaders, EmbeddingDotBias> learn =
                CollabLearner.collabLearner(dls, factors, YRange.of(0, 5.5));
        choosePath(learn, path);
        long rss0 = Memory.rssKb();
        // Resident memory after every epoch: it should stay flat however long training runs.
        learn.afterEpoch(row -> System.out.printf("rss epoch=%d mb=%d%n", row.epoch(), Memory.rssKb() / 1024));
        learn.fitOneCycle(epochs, lr, wd);
        ResultsTable results = learn.results();
        double[] times =
                results.rows().stream().mapToDouble(ResultsTable.Row::seconds).toArray();
        double median = Memory.median(times.length > 1 ? Arrays.copyOfRange(times, 1, times.length) : times);
        for (ResultsTable.Row r : results.rows()) {
            System.out.printf("epoch %d seconds %.3f%n", r.epoch(), r.seconds());
        }
        System.out.printf(
                "MEMORY rss_before_fit_mb=%d rss_after_fit_mb=%d peak_rss_mb=%d%n",
                rss0 / 1024, Memory.rssKb() / 1024, Memory.peakRssKb() / 1024);
        // Top-10 unseen titles for all 943 users: the median of a few timed runs after a warm-up.
        var recommender = dev.fastbook.collab.recommend.Recommender.of(learn).excludeRated(ratings);
        double[] ms = new double[7];
        for (int i = -3; i < ms.length; i++) {
            long t = System.nanoTime();
            recommender.topK(10);
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
        }
        System.out.printf(
                java.util.Locale.ROOT,
                "TOPK users=%d k=10 median_ms=%.1f%n",
                dls.users().size() - 1,
                Memory.median(ms));
        System.out.printf(
                java.util.Locale.ROOT,
                "RESULT s_per_epoch=%.3f final_valid_mse=%.6f users=%d items=%d%n",
                median,
                results.finalValidLoss(),
                dls.users().size(),
                dls.items().size());
    }

    /** {@code --path}: fused, djl or auto (the Learner's own choice); prints the path the fit takes. */
    static void choosePath(Learner<?, ?> learn, String path) {
        switch (path) {
            case "fused" -> learn.fused(true);
            case "djl" -> learn.fused(false);
            case "auto" -> {}
            default -> throw new IllegalArgumentException("--path takes fused, djl or auto, not " + path);
        }
        System.out.println("training path: " + learn.trainingPath());
    }
}
