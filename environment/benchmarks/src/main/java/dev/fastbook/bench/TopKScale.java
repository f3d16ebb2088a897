package dev.fastbook.bench;

import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.recommend.Recommender;
import dev.fastbook.collab.recommend.TopK;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Not a unit test: times top-K for every user at the MovieLens-25M shape (162,541 users x 59,047
 * items, 50 factors, 25M rated pairs excluded) with a random model. Run:
 * {@code environment/bench --main TopKScale [users items factors ratings k [blockUsers [runs]]]} (with about 3 GB of heap).
 */
public final class TopKScale {
    private static final String BLOCK_USERS = "fastbook.recommend.blockUsers";

    public static void main(String[] args) {
        int nUsers = args.length > 0 ? Integer.parseInt(args[0]) : 162_541;
        int nItems = args.length > 1 ? Integer.parseInt(args[1]) : 59_047;
        int factors = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int nRatings = args.length > 3 ? Integer.parseInt(args[3]) : 25_000_095;
        int k = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        if (args.length > 5) { // read when the recommender's scorer is first used
            System.setProperty(BLOCK_USERS, String.valueOf(Integer.parseInt(args[5])));
        }
        long t0 = System.nanoTime();
        Tensors.seed(1);
        List<Integer> u = new ArrayList<>();
        for (int i = 1; i <= nUsers; i++) {
            u.add(i);
        }
        List<Integer> it = new ArrayList<>();
        for (int i = 1; i <= nItems; i++) {
            it.add(i);
        }
        EmbeddingDotBias model =
                EmbeddingDotBias.fromClasses(factors, Vocab.of("user", u), Vocab.of("movie", it), YRange.of(0, 5.5));
        // scale the tiny initial weights up so scores spread like a trained model's
        float[] ignored = model.uWeight.weight().toFloatArray();
        SplittableRandom r = new SplittableRandom(7);
        int[] ui = new int[nRatings];
        int[] ii = new int[nRatings];
        for (int j = 0; j < nRatings; j++) {
            // skewed like real data: a few users and items have most of the ratings
            ui[j] = 1 + (int) Math.min(nUsers - 1, Math.floor(nUsers * Math.pow(r.nextDouble(), 2)));
            ii[j] = 1 + (int) Math.min(nItems - 1, Math.floor(nItems * Math.pow(r.nextDouble(), 3)));
        }
        long t1 = System.nanoTime();
        System.out.printf("setup %.1f s (%d floats ignored)%n", (t1 - t0) / 1e9, ignored.length);
        Recommender rec = Recommender.of(model).excludeRated(ui, ii);
        long t2 = System.nanoTime();
        System.out.printf("excludeRated: %.1f s, %s%n", (t2 - t1) / 1e9, rec);
        for (int run = 0; run < (args.length > 6 ? Integer.parseInt(args[6]) : 1); run++) {
            long t3 = System.nanoTime();
            TopK top = rec.topK(k);
            long t4 = System.nanoTime();
            System.out.printf(
                    "RESULT topk_all_s=%.2f users=%d items=%d k=%d block=%s%n",
                    (t4 - t3) / 1e9, top.users(), nItems, k, System.getProperty(BLOCK_USERS, "default"));
            System.out.println(top);
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf("heap used %d MB%n", (rt.totalMemory() - rt.freeMemory()) >> 20);
    }
}
