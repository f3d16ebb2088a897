package dev.fastbook.collab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Issue 7's loader targets at the ML-25M shape: vocabularies, split and encoding in under 15 s,
 * and at most 16 bytes per rating kept by the loaders. Opt-in, since it needs ~3 GB of heap:
 * {@code FASTBOOK_SCALE_CSV=/path/to/ratings.csv} (a MovieLens ratings.csv) or
 * {@code FASTBOOK_SCALE_ROWS=25000000} (ratings made in memory with the ML-25M's numbers of users
 * and movies), then {@code mvn -pl lib test -Dtest=CollabDataLoadersScaleTest}.
 */
class CollabDataLoadersScaleTest {
    @Test
    void buildsTheLoadersOfTwentyFiveMillionRatingsFastAndLean() throws IOException {
        String csv = System.getenv("FASTBOOK_SCALE_CSV");
        String rows = System.getenv("FASTBOOK_SCALE_ROWS");
        assumeTrue(
                csv != null || rows != null,
                "no 25M-row ratings file here: FASTBOOK_SCALE_CSV (a ratings.csv) and"
                        + " FASTBOOK_SCALE_ROWS are unset (opt-in: it needs about 3 GB of heap)");
        Table ratings = csv != null ? readCsv(Path.of(csv)) : synthetic(Integer.parseInt(rows));
        int n = ratings.rowCount();
        long heap0 = usedHeapAfterGc();
        long t0 = System.nanoTime();
        CollabDataLoaders dls =
                CollabDataLoaders.from(ratings).bs(4096).seed(42).build();
        double seconds = (System.nanoTime() - t0) / 1e9;
        dls.oneBatch().close(); // the training order exists from the first iteration on
        long heap1 = usedHeapAfterGc();
        long vocabBytes = 0;
        for (var v : dls.classes().values()) {
            vocabBytes += 120L * v.size(); // a String, its bytes and a HashMap entry per value, roughly
        }
        double perRating = (double) (heap1 - heap0 - vocabBytes) / n;
        System.out.printf(
                "RESULT loaders rows=%d users=%d items=%d build_s=%.2f bytes_per_rating=%.2f"
                        + " heap_added_mb=%d vocab_mb_estimate=%d%n",
                n,
                dls.users().size() - 1,
                dls.items().size() - 1,
                seconds,
                perRating,
                (heap1 - heap0) >> 20,
                vocabBytes >> 20);
        assertEquals(n, dls.trainSize() + dls.validSize());
        assertTrue(seconds < 15, "building took " + seconds + " s");
        assertTrue(perRating <= 16.5, perRating + " bytes per rating");
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // The ML-25M shape: 162,541 users, 59,047 movies with ids up to 209,171, half-star ratings.
    private static Table synthetic(int n) {
        Random r = new Random(1);
        int[] movieIds = new int[59_047];
        for (int i = 0; i < movieIds.length; i++) {
            movieIds[i] = 1 + (int) ((long) i * 209_171 / movieIds.length);
        }
        int[] user = new int[n], movie = new int[n];
        float[] rating = new float[n];
        for (int k = 0; k < n; k++) {
            user[k] = 1 + r.nextInt(162_541);
            // skewed towards popular movies, as real ratings are
            double u = r.nextDouble();
            movie[k] = movieIds[(int) (u * u * movieIds.length)];
            rating[k] = (1 + r.nextInt(10)) / 2f;
        }
        return Table.create(
                "ratings",
                IntColumn.create("userId", user),
                IntColumn.create("movieId", movie),
                FloatColumn.create("rating", rating));
    }

    // A minimal reader for userId,movieId,rating,timestamp with a header, until the library's
    // MovieLens reader handles ratings.csv at this size.
    private static Table readCsv(Path file) throws IOException {
        int cap = 1 << 20, n = 0;
        int[] user = new int[cap], movie = new int[cap];
        float[] rating = new float[cap];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            int c;
            while ((c = in.read()) != '\n' && c != -1) {
                // header
            }
            long[] field = new long[4];
            int f = 0, frac = 0;
            boolean afterDot = false;
            while ((c = in.read()) != -1) {
                if (c >= '0' && c <= '9') {
                    field[f] = field[f] * 10 + (c - '0');
                    if (afterDot) {
                        frac++;
                    }
                } else if (c == '.') {
                    afterDot = true;
                } else if (c == ',') {
                    if (f == 2) {
                        field[2] = Float.floatToIntBits((float) (field[2] / Math.pow(10, frac)));
                    }
                    f++;
                    afterDot = false;
                    frac = 0;
                } else if (c == '\n') {
                    if (n == user.length) {
                        cap *= 2;
                        user = Arrays.copyOf(user, cap);
                        movie = Arrays.copyOf(movie, cap);
                        rating = Arrays.copyOf(rating, cap);
                    }
                    user[n] = (int) field[0];
                    movie[n] = (int) field[1];
                    rating[n] = Float.intBitsToFloat((int) field[2]);
                    n++;
                    Arrays.fill(field, 0);
                    f = 0;
                }
            }
        }
        return Table.create(
                "ratings",
                IntColumn.create("userId", Arrays.copyOf(user, n)),
                IntColumn.create("movieId", Arrays.copyOf(movie, n)),
                FloatColumn.create("rating", Arrays.copyOf(rating, n)));
    }
}
