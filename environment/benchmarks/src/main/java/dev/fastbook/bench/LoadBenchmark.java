package dev.fastbook.bench;

import dev.fastbook.collab.movielens.MovieLens;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import tech.tablesaw.api.Table;

/**
 * Times loading a ratings file (or a MovieLens folder, or a release by name) and prints
 * {@code RESULT load_s=<seconds> rows=<n> heap_used_mb=<heap held by the table after a GC> heap_peak_mb=<sum of the heap pools' peaks, an upper bound>}.
 *
 * <p>Usage: {@code environment/bench --main LoadBenchmark /path/ratings.csv}
 * (a MovieLens folder, or a release name such as {@code ml-25m}, also works).
 */
public final class LoadBenchmark {
    private LoadBenchmark() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("Usage: LoadBenchmark <ratings file | MovieLens folder | data set name such as ml-25m>");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        long start = System.nanoTime();
        Table ratings;
        if (Files.isRegularFile(path)) {
            ratings = MovieLens.readRatings(path);
        } else if (Files.isDirectory(path)) {
            ratings = MovieLens.load(path).ratings();
        } else {
            ratings = MovieLens.dataset(args[0]).ratings();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        System.out.printf(
                Locale.ROOT,
                "RESULT load_s=%.2f rows=%d heap_used_mb=%d heap_peak_mb=%d%n",
                seconds,
                ratings.rowCount(),
                used >> 20,
                peak >> 20);
    }
}
