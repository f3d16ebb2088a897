package dev.fastbook.bench;

import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.movielens.MovieLens;
import dev.fastbook.collab.recommend.Recommender;
import dev.fastbook.collab.train.CollabLearner;
import dev.fastbook.collab.train.Learner;
import dev.fastbook.collab.train.ResultsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import tech.tablesaw.api.Table;

/**
 * The full-MovieLens benchmark behind {@code environment/bench --scale}: load a MovieLens
 * {@code ratings.csv} (any size: environment/bench writes ML-25M- and Netflix-shaped ones), build the DataLoaders with movie ids as items,
 * train the collab learner (bs 4096, lr 5e-3, wd 0.1, 50 factors, as the reference is run), then
 * top-10 for every user with every rating excluded. Prints one line per phase and
 * {@code RESULT scale load_s=… loaders_s=… s_per_epoch=… final_valid_mse=… peak_rss_mb=… topk_all_s=…}.
 * Each phase's line also gives the heap still live after the last garbage collection ({@code heap_live_mb}),
 * which says how much of the resident memory the Java objects need, and the CPU seconds it used: on a
 * machine shared with other jobs the wall-clock seconds grow with the load, the CPU seconds much less.
 *
 * <p>Arguments: {@code --ratings-csv FILE [--epochs 1] [--bs 4096] [--lr 5e-3] [--wd 0.1]
 * [--factors 50] [--seed 42] [--path auto|fused|djl] [--sparse] [--no-topk]}; {@code --no-topk} stops after training (for timing the
 * optimiser at a catalogue's full size on fewer ratings); its RESULT line then says {@code topk_all_s=NaN}.
 */
public final class ScaleBenchmark {
    public static void main(String[] args) throws Exception {
        Path csv = null;
        int epochs = 1, bs = 4096, factors = 50;
        double lr = 5e-3, wd = 0.1;
        long seed = 42;
        boolean sparse = false, topK = true;
        String path = "auto";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--sparse") || a.equals("--no-topk")) {
                sparse |= a.equals("--sparse");
                topK &= !a.equals("--no-topk");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--ratings-csv" -> csv = Path.of(v);
                case "--epochs" -> epochs = Integer.parseInt(v);
                case "--bs" -> bs = Integer.parseInt(v);
                case "--lr" -> lr = Double.parseDouble(v);
                case "--wd" -> wd = Double.parseDouble(v);
                case "--factors" -> factors = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--path" -> path = v;
                default ->
                    throw new IllegalArgumentException("Unknown option " + a
                            + "; use --ratings-csv --epochs --bs --lr --wd --factors --seed --path --sparse --no-topk");
            }
        }
        if (csv == null || !Files.isRegularFile(csv)) {
            throw new IllegalArgumentException("--ratings-csv FILE is required and must exist (got " + csv + ")");
        }
        Tensors.seed(seed);

        long t = System.nanoTime();
        double[] cpuMark = {Memory.cpuSeconds()};
        Table ratings = MovieLens.readRatings(csv);
        double loadS = seconds(t);
        if (ratings.containsColumn("timestamp")) {
            ratings.removeColumns("timestamp"); // neither training nor top-K reads it: 4 bytes a rating
        }
        System.out.printf(
                Locale.ROOT,
                "load rows=%d seconds=%.2f cpu_s=%.1f rss_mb=%d heap_live_mb=%d%n",
                ratings.rowCount(),
                loadS,
                cpuLap(cpuMark),
                Memory.rssKb() / 1024,
                Memory.heapLiveMb());

        t = System.nanoTime();
        CollabDataLoaders dls =
                CollabDataLoaders.from(ratings).bs(bs).seed(seed).build();
        double loadersS = seconds(t);
        System.out.printf(
                Locale.ROOT,
                "loaders %s seconds=%.2f cpu_s=%.1f rss_mb=%d heap_live_mb=%d%n",
                dls,
                loadersS,
                cpuLap(cpuMark),
                Memory.rssKb() / 1024,
                Memory.heapLiveMb());

        Learner<CollabDataLoaders, EmbeddingDotBias> learn =
                CollabLearner.collabLearner(dls, factors, YRange.of(0, 5.5));
        learn.lazyUpdates(sparse);
        TrainingBenchmark.choosePath(learn, path);
        learn.afterEpoch(row -> System.out.printf(
                Locale.ROOT,
                "epoch %d train_loss=%.6f valid_loss=%.6f seconds=%.1f rss_mb=%d%n",
                row.epoch(),
                row.trainLoss(),
                row.validLoss(),
                row.seconds(),
                Memory.rssKb() / 1024));
        learn.fitOneCycle(epochs, lr, wd);
        double fitCpu = cpuLap(cpuMark);
        ResultsTable results = learn.results();
        double[] times =
                results.rows().stream().mapToDouble(ResultsTable.Row::seconds).toArray();
        double perEpoch = Memory.median(times.length > 1 ? Arrays.copyOfRange(times, 1, times.length) : times);

        double topkS = Double.NaN, topkCpu = Double.NaN;
        if (topK) {
            t = System.nanoTime();
            var top = Recommender.of(learn).excludeRated(ratings).topK(10);
            topkS = seconds(t);
            topkCpu = cpuLap(cpuMark);
            System.out.printf(
                    Locale.ROOT,
                    "topk users=%d k=10 seconds=%.2f cpu_s=%.1f (rated items excluded) rss_mb=%d heap_live_mb=%d%n",
                    top.users(),
                    topkS,
                    topkCpu,
                    Memory.rssKb() / 1024,
                    Memory.heapLiveMb());
        }

        System.out.printf(
                Locale.ROOT,
                "RESULT scale load_s=%.2f loaders_s=%.2f s_per_epoch=%.3f final_valid_mse=%.6f peak_rss_mb=%d topk_all_s=%.2f users=%d items=%d ratings=%d mode=%s heap_max_mb=%d fit_cpu_s=%.1f topk_cpu_s=%.1f%n",
                loadS,
                loadersS,
                perEpoch,
                results.finalValidLoss(),
                Memory.peakRssKb() / 1024,
                topkS,
                dls.users().size(),
                dls.items().size(),
                ratings.rowCount(),
                sparse ? "lazy" : "exact",
                Runtime.getRuntime().maxMemory() >> 20,
                fitCpu,
                topkCpu);
    }

    /** CPU seconds since the mark, and moves the mark to now. */
    private static double cpuLap(double[] mark) {
        double now = Memory.cpuSeconds();
        double lap = now - mark[0];
        mark[0] = now;
        return lap;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
