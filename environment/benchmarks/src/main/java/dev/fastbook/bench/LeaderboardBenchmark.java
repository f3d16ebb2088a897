package dev.fastbook.bench;

import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.Splitter;
import dev.fastbook.collab.eval.Predictions;
import dev.fastbook.collab.eval.RankingMetrics;
import dev.fastbook.collab.eval.RankingTask;
import dev.fastbook.collab.eval.RatingMetrics;
import dev.fastbook.collab.implicit.Bpr;
import dev.fastbook.collab.implicit.BprDataLoaders;
import dev.fastbook.collab.implicit.Ease;
import dev.fastbook.collab.implicit.Interactions;
import dev.fastbook.collab.implicit.Rp3Beta;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.movielens.MovieLens;
import dev.fastbook.collab.movielens.OfficialSplit;
import dev.fastbook.collab.recommend.Scorer;
import dev.fastbook.collab.train.Learner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import tech.tablesaw.api.Table;

/**
 * {@code environment/bench --leaderboard}: MovieLens 100k's published protocols, with every
 * hyper-parameter chosen on a validation part carved from the training file (never its test),
 * then one final fit per chosen setting scored once on the test. Prints a {@code SEARCH} line per
 * tried setting and the {@code RESULT leaderboard ...} lines with the chosen settings beside them.
 *
 * <p>Arguments: {@code [--folds u1,u2,u3,u4,u5] [--no-ranking] [--no-ratings] [--seed 42] [--bag 3]
 * [--choices FILE]}; {@code --bag n} also tries the ensemble averaged over n seeds of each member and keeps it
 * when it validates better; {@code --choices} writes the chosen settings (u1's and the ranking protocol's) there
 * as sorted {@code key=value} lines, the file {@code 08_collab_benchmarks} reads.
 */
public final class LeaderboardBenchmark {
    private final long seed;
    private int bag = 3;
    /** The chosen settings, by key, for the choices file. */
    private final Map<String, String> choices = new TreeMap<>();

    private final Table users;
    private final Table genres;

    private LeaderboardBenchmark(long seed, Table users, Table genres) {
        this.seed = seed;
        this.users = users;
        this.genres = genres;
    }

    public static void main(String[] args) {
        List<String> folds = List.of("u1", "u2", "u3", "u4", "u5");
        boolean ranking = true;
        long seed = 42;
        int bag = 3;
        boolean ratings = true;
        Path choicesFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bag" -> bag = Integer.parseInt(args[++i]);
                case "--folds" -> folds = List.of(args[++i].split(","));
                case "--no-ranking" -> ranking = false;
                case "--no-ratings" -> ratings = false;
                case "--choices" -> choicesFile = Path.of(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default ->
                    throw new IllegalArgumentException("Unknown option " + args[i]
                            + "; use --folds u1,u2 --no-ranking --no-ratings --seed 42 --bag 3 --choices FILE");
            }
        }
        long t0 = System.nanoTime();
        MovieLens.Dataset ds = MovieLens.dataset("ml-100k");
        LeaderboardBenchmark b = new LeaderboardBenchmark(
                seed, dev.fastbook.collab.model.SideFeatures.withAgeGroups(ds.users()), ds.genres());
        b.bag = bag;
        Map<String, List<Double>> byModel = new LinkedHashMap<>();
        Map<String, String> settings = new HashMap<>();
        // u1 (the papers' protocol) first, then the ranking protocol, then the other folds for the mean
        List<String> order = ratings ? new ArrayList<>(folds) : List.of();
        boolean rankingDone = !ranking;
        if (!ratings && ranking) {
            b.ranking(ds.ratings());
        }
        for (String fold : order) {
            long tf = System.nanoTime();
            OfficialSplit split = ds.split(fold);
            System.out.println("== " + split.describe());
            Map<String, Final> results =
                    b.ratings(fold, split, fold.equals("u1"), fold.equals("u1") ? b.choices : new TreeMap<>());
            for (Map.Entry<String, Final> e : results.entrySet()) {
                byModel.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue().metrics().rmse());
                settings.merge(e.getKey(), fold + ": " + e.getValue().setting(), (a, c) -> a + "; " + c);
                System.out.printf(
                        Locale.ROOT,
                        "%s leaderboard protocol=ml-100k-%s model=%s rmse=%.4f mae=%.4f  [%s]%n",
                        fold.equals("u1") ? "RESULT" : "FOLD",
                        fold,
                        e.getKey(),
                        e.getValue().metrics().rmse(),
                        e.getValue().metrics().mae(),
                        e.getValue().setting());
            }
            System.out.printf(Locale.ROOT, "(%s: %.0f s)%n", fold, (System.nanoTime() - tf) / 1e9);
            if (!rankingDone) {
                b.ranking(ds.ratings());
                rankingDone = true;
            }
        }
        if (ratings && folds.size() == 5) {
            for (Map.Entry<String, List<Double>> e : byModel.entrySet()) {
                double mean = e.getValue().stream()
                        .mapToDouble(Double::doubleValue)
                        .average()
                        .orElse(Double.NaN);
                System.out.printf(
                        Locale.ROOT,
                        "RESULT leaderboard protocol=ml-100k-u1u5 model=%s rmse=%.4f  [folds %s; %s]%n",
                        e.getKey(),
                        mean,
                        e.getValue().stream()
                                .map(v -> String.format(Locale.ROOT, "%.4f", v))
                                .toList(),
                        settings.get(e.getKey()));
            }
        }
        printPublished(ratings, ranking);
        if (choicesFile != null && ratings && folds.contains("u1") && ranking) {
            b.writeChoices(choicesFile);
        } else if (choicesFile != null) {
            System.out.println(
                    "(chosen settings not written: the file holds u1's and the ranking protocol's, so it needs both)");
        }
        System.out.printf(Locale.ROOT, "TIME leaderboard total_s=%.0f%n", (System.nanoTime() - t0) / 1e9);
    }

    // The published rows to read ours beside, each with its protocol and source (figures as their authors report them).
    private static void printPublished(boolean ratings, boolean ranking) {
        String papers = "the papers' READMEs; Papers with Code 'u1 splits'";
        if (ratings) {
            for (String[] p : new String[][] {
                {"GC-MC", "0.910"},
                {"GC-MC+side-features", "0.905"},
                {"IGMC", "0.905"},
                {"GraphRec", "0.904"},
                {"GraphRec+features", "0.897"},
                {"Sparse-FC", "0.895"},
                {"GLocal-K", "0.8889"},
                {"GHRS(demographics)", "0.887"}
            }) {
                System.out.printf(
                        Locale.ROOT, "PUBLISHED protocol=ml-100k-u1 model=%s rmse=%s  [%s]%n", p[0], p[1], papers);
            }
        }
        if (ranking) {
            String recommenders =
                    "recommenders-team/recommenders README, ml-100k stratified 75/25 (their own random draw)";
            for (String[] p : new String[][] {
                {"FastAI-EmbeddingDotBias", "0.148", "0.130"},
                {"SVD", "0.096", "0.091"},
                {"SAR", "0.383", "-"},
                {"NCF", "0.396", "0.347"},
                {"LightGCN", "0.420", "0.380"},
                {"BPR(Cornac)", "0.442", "0.388"},
                {"BiVAE", "0.475", "0.412"}
            }) {
                System.out.printf(
                        Locale.ROOT,
                        "PUBLISHED protocol=ml-100k-stratified75 model=%s ndcg_at_10=%s precision_at_10=%s  [%s]%n",
                        p[0],
                        p[1],
                        p[2],
                        recommenders);
            }
        }
    }

    // Sorted key=value lines and no date, so the same choices write the same file.
    private void writeChoices(Path file) {
        StringBuilder text = new StringBuilder("# written by environment/bench --leaderboard (seed " + seed
                + "): the settings chosen on validation carved from the training data\n");
        choices.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the chosen settings to " + file + ": " + e.getMessage(), e);
        }
        System.out.println("(chosen settings written to " + file + ")");
    }

    record Final(String setting, RatingMetrics metrics, float[] testPredictions) {}

    /** A candidate with its validation predictions and score. */
    private record Tried(Candidate c, float[] valid, double rmse) {}

    // ---- rating protocols (u1..u5) ---------------------------------------------------------

    private Map<String, Final> ratings(String fold, OfficialSplit split, boolean fullGrid, Map<String, String> chosen) {
        String protocol = "ml-100k-" + fold;
        Map<Integer, CollabDataLoaders> searchDls = new HashMap<>();
        // the validation part: 10% of the training file at random, the same rows whatever the batch size
        Function<Candidate, Tried> tryIt = c -> {
            CollabDataLoaders dls = searchDls.computeIfAbsent(
                    c.bs(),
                    bs -> CollabDataLoaders.from(split.train())
                            .validPct(0.1)
                            .seed(seed)
                            .bs(bs)
                            .build());
            Module m = c.train(dls, users, genres, seed);
            float[] p = Predictions.of(m, dls.valid());
            double rmse = RatingMetrics.of(p, Predictions.targets(dls.valid())).rmse();
            System.out.printf(
                    Locale.ROOT,
                    "SEARCH protocol=%s family=%s valid_rmse=%.4f  [%s]%n",
                    protocol,
                    c.family(),
                    rmse,
                    c.describe());
            return new Tried(c, p, rmse);
        };
        Candidate chapter = Candidate.dot(50, 5, 5e-3, 0.1, 64);
        // u1 gets the full grid; the other folds (for the u1..u5 mean) its smaller core, each on its own validation
        // the dot product: factors and weight decay, then epochs, then the learning rate
        Tried dot = null;
        for (int f : fullGrid ? new int[] {50, 100} : new int[] {100}) {
            for (double wd : new double[] {0.1, 0.3}) {
                dot = better(dot, tryIt.apply(Candidate.dot(f, 5, 5e-3, wd, 256)));
            }
        }
        if (fullGrid) {
            for (int e : new int[] {4, 6}) {
                dot = better(dot, tryIt.apply(dot.c().withEpochs(e)));
            }
            dot = better(dot, tryIt.apply(dot.c().withLr(1e-2)));
        }
        // with side embeddings: which side columns, at the dot product's settings
        Tried side = null;
        for (String s : fullGrid ? new String[] {"demographics", "genres", "all"} : new String[] {"genres", "all"}) {
            side = better(side, tryIt.apply(dot.c().as("side").withSide(s)));
        }
        // the tabular model with every side column: layers and weight decay
        Tried tab = null;
        Candidate t0 = new Candidate("tabular", 0, new int[] {200, 100}, "all", 4, 5e-3, 0.1, 256);
        for (int[] layers : fullGrid ? new int[][] {{100, 50}, {200, 100}} : new int[][] {{200, 100}}) {
            for (double wd : new double[] {0.1, 0.3}) {
                tab = better(tab, tryIt.apply(t0.withLayers(layers).withWd(wd)));
            }
        }
        // the average ensemble: the subset of the three that validates best
        List<Tried> members = List.of(dot, side, tab);
        List<Tried> bestSet = null;
        double bestRmse = Double.POSITIVE_INFINITY;
        float[] y = Predictions.targets(searchDls.get(256).valid());
        for (int mask = 3; mask < 8; mask++) {
            if (Integer.bitCount(mask) < 2) {
                continue;
            }
            List<Tried> set = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                if ((mask & (1 << k)) != 0) {
                    set.add(members.get(k));
                }
            }
            double r = RatingMetrics.of(
                            Predictions.mean(set.stream().map(Tried::valid).toList()), y)
                    .rmse();
            System.out.printf(
                    Locale.ROOT, "SEARCH protocol=%s family=ensemble valid_rmse=%.4f  [%s]%n", protocol, r, names(set));
            if (r < bestRmse) {
                bestRmse = r;
                bestSet = set;
            }
        }
        // --bag n: the same ensemble with each member also trained from n - 1 more seeds, kept if it validates better
        int seeds = 1;
        if (bag > 1) {
            List<float[]> vp =
                    new ArrayList<>(bestSet.stream().map(Tried::valid).toList());
            for (int k = 1; k < bag; k++) {
                for (Tried t : bestSet) {
                    CollabDataLoaders d = searchDls.get(t.c().bs());
                    vp.add(Predictions.of(t.c().train(d, users, genres, seed + k), d.valid()));
                }
            }
            double r = RatingMetrics.of(Predictions.mean(vp), y).rmse();
            System.out.printf(
                    Locale.ROOT,
                    "SEARCH protocol=%s family=ensemble valid_rmse=%.4f  [%s, %d seeds each]%n",
                    protocol,
                    r,
                    names(bestSet),
                    bag);
            seeds = r < bestRmse ? bag : 1;
        }
        dot.c().putInto(chosen, fold + ".dot");
        side.c().putInto(chosen, fold + ".side");
        tab.c().putInto(chosen, fold + ".tabular");
        chosen.put(fold + ".ensemble", names(bestSet));
        chosen.put(fold + ".ensemble.seeds", Integer.toString(seeds));
        // final fits on the whole training file, each scored once on the test file
        Map<String, Final> out = new LinkedHashMap<>();
        out.put("dot-chapter", score(chapter, split));
        out.put("dot-tuned", score(dot.c(), split));
        out.put("dot-side", score(side.c(), split));
        out.put("tabular-side", score(tab.c(), split));
        Map<Candidate, Final> byCandidate =
                Map.of(dot.c(), out.get("dot-tuned"), side.c(), out.get("dot-side"), tab.c(), out.get("tabular-side"));
        List<float[]> preds = new ArrayList<>(bestSet.stream()
                .map(t -> byCandidate.get(t.c()).testPredictions())
                .toList());
        for (int k = 1; k < seeds; k++) {
            for (Tried t : bestSet) {
                preds.add(score(t.c(), split, seed + k).testPredictions());
            }
        }
        float[] yTest = Predictions.targets(finalDls(split, 256).valid());
        out.put(
                "ensemble",
                new Final(
                        "mean of " + names(bestSet) + (seeds > 1 ? ", " + seeds + " seeds each" : ""),
                        RatingMetrics.of(Predictions.mean(preds), yTest),
                        null));
        return out;
    }

    private static String names(List<Tried> set) {
        return String.join(
                "+",
                set.stream()
                        .map(t -> switch (t.c().family()) {
                            case "dot" -> "dot-tuned";
                            case "side" -> "dot-side";
                            default -> "tabular-side";
                        })
                        .toList());
    }

    private static Tried better(Tried a, Tried b) {
        return a == null || b.rmse() < a.rmse() ? b : a;
    }

    // The test file is the final fit's validation set only so the loaders code it; nothing is chosen from it.
    private CollabDataLoaders finalDls(OfficialSplit split, int bs) {
        return CollabDataLoaders.from(split.train())
                .valid(split.test())
                .seed(seed)
                .bs(bs)
                .build();
    }

    private Final score(Candidate c, OfficialSplit split) {
        return score(c, split, seed);
    }

    private Final score(Candidate c, OfficialSplit split, long modelSeed) {
        CollabDataLoaders dls = finalDls(split, c.bs());
        Module m = c.train(dls, users, genres, modelSeed);
        float[] p = Predictions.of(m, dls.valid());
        return new Final(c.family() + " " + c.describe(), RatingMetrics.of(p, Predictions.targets(dls.valid())), p);
    }

    // ---- the ranking protocol (stratified 75/25, top 10) -------------------------------------

    private void ranking(Table ratings) {
        long t0 = System.nanoTime();
        String protocol = "ml-100k-stratified75";
        Splitter.Split split = Splitter.byUser(ratings, "user", 0.25, seed);
        Table train = split.train(ratings);
        Table test = split.valid(ratings);
        System.out.println("== " + protocol + ": " + train.rowCount() + " training rows, " + test.rowCount()
                + " test rows, each user's rows split 75/25 (seed " + seed + ")");
        // the search: a stratified 20% of the training part validates
        CollabDataLoaders searchDls = CollabDataLoaders.from(train)
                .validPctByUser(0.2)
                .seed(seed)
                .bs(1024)
                .build();
        RankingTask searchTask = RankingTask.of(searchDls);
        Interactions searchX = Interactions.of(searchDls);
        // EASE: its one setting, lambda
        double lambda = Double.NaN;
        double bestEase = -1;
        for (double l : new double[] {100, 200, 300, 400, 500, 600, 800}) {
            double ndcg = ndcg(searchTask, Ease.fit(searchX, l).scores());
            System.out.printf(
                    Locale.ROOT,
                    "SEARCH protocol=%s family=ease valid_ndcg_at_10=%.4f  [lambda=%s]%n",
                    protocol,
                    ndcg,
                    Candidate.num(l));
            if (ndcg > bestEase) {
                bestEase = ndcg;
                lambda = l;
            }
        }
        // RP3beta: alpha and beta at 100 neighbours, then the neighbourhood's size
        double[] rp3 = null;
        double bestRp3 = -1;
        List<double[]> grid = new ArrayList<>();
        for (double a : new double[] {0.5, 0.75, 1.0}) {
            for (double bt : new double[] {0.25, 0.5, 0.75}) {
                grid.add(new double[] {a, bt, 100});
            }
        }
        for (int step = 0; step < 2; step++) {
            for (double[] g : grid) {
                double ndcg = ndcg(
                        searchTask, Rp3Beta.fit(searchX, g[0], g[1], (int) g[2]).scores());
                System.out.printf(
                        Locale.ROOT,
                        "SEARCH protocol=%s family=rp3beta valid_ndcg_at_10=%.4f  [%s]%n",
                        protocol,
                        ndcg,
                        rp3Setting(g));
                if (ndcg > bestRp3) {
                    bestRp3 = ndcg;
                    rp3 = g;
                }
            }
            grid = List.of(new double[] {rp3[0], rp3[1], 25}, new double[] {rp3[0], rp3[1], 50}, new double[] {
                rp3[0], rp3[1], 200
            });
        }
        choices.put("stratified75.ease.lambda", Candidate.num(lambda));
        choices.put("stratified75.rp3beta.alpha", Candidate.num(rp3[0]));
        choices.put("stratified75.rp3beta.beta", Candidate.num(rp3[1]));
        choices.put("stratified75.rp3beta.neighbours", Integer.toString((int) rp3[2]));
        BprSetting best = null;
        double bestNdcg = -1;
        List<Function<BprSetting, BprSetting>> steps = List.of(
                x -> new BprSetting(64, 20, 5e-3, 0.01, 1024),
                x -> new BprSetting(128, 20, 5e-3, 0.01, 1024),
                x -> new BprSetting(x.factors(), x.epochs(), x.lr(), 0.1, x.bs()),
                x -> new BprSetting(x.factors(), 30, x.lr(), x.wd(), x.bs()));
        for (Function<BprSetting, BprSetting> step : steps) {
            BprSetting s = step.apply(best);
            RankingMetrics m = rank(searchTask, searchTask.scores(s.train(searchDls, seed)));
            System.out.printf(
                    Locale.ROOT, "SEARCH protocol=%s family=bpr valid_ndcg_at_10=%.4f  [%s]%n", protocol, m.ndcg(), s);
            if (m.ndcg() > bestNdcg) {
                bestNdcg = m.ndcg();
                best = s;
            }
        }
        choices.put("stratified75.bpr.factors", Integer.toString(best.factors()));
        choices.put("stratified75.bpr.epochs", Integer.toString(best.epochs()));
        choices.put("stratified75.bpr.lr", Candidate.num(best.lr()));
        choices.put("stratified75.bpr.wd", Candidate.num(best.wd()));
        choices.put("stratified75.bpr.bs", Integer.toString(best.bs()));
        // final: train on the whole 75%, score the 25% once
        CollabDataLoaders finalDls =
                CollabDataLoaders.from(train).valid(test).seed(seed).bs(64).build();
        RankingTask task = RankingTask.of(finalDls);
        print(protocol, "popularity", task, task.popularity(), "most rated in training");
        Candidate chapter = Candidate.dot(50, 5, 5e-3, 0.1, 64);
        print(
                protocol,
                "dot-mse",
                task,
                task.scores(chapter.train(finalDls, users, genres, seed)),
                "MSE-trained, the chapter's " + chapter.describe());
        // after the MSE fit: reading the training rows draws from the loader's shuffle, as in 08_collab_benchmarks
        Interactions finalX = Interactions.of(finalDls);
        print(protocol, "ease", task, Ease.fit(finalX, lambda).scores(), "lambda=" + Candidate.num(lambda));
        print(
                protocol,
                "rp3beta",
                task,
                Rp3Beta.fit(finalX, rp3[0], rp3[1], (int) rp3[2]).scores(),
                rp3Setting(rp3));
        CollabDataLoaders bprDls = CollabDataLoaders.from(train)
                .valid(test)
                .seed(seed)
                .bs(best.bs())
                .build();
        print(protocol, "dot-bpr", task, task.scores(best.train(bprDls, seed)), best.toString());
        System.out.printf(Locale.ROOT, "(%s: %.0f s)%n", protocol, (System.nanoTime() - t0) / 1e9);
    }

    private static String rp3Setting(double[] g) {
        return "alpha=" + Candidate.num(g[0]) + " beta=" + Candidate.num(g[1]) + " neighbours=" + (int) g[2];
    }

    // Every ranking model's top 10 goes through this one call: the task's top-k selection and rated-item exclusion.
    private static RankingMetrics rank(RankingTask task, Scorer scores) {
        return task.evaluate(scores, 10);
    }

    private static double ndcg(RankingTask task, Scorer scores) {
        return rank(task, scores).ndcg();
    }

    private static void print(String protocol, String model, RankingTask task, Scorer scores, String setting) {
        RankingMetrics m = rank(task, scores);
        System.out.printf(
                Locale.ROOT,
                "RESULT leaderboard protocol=%s model=%s ndcg_at_10=%.4f precision_at_10=%.4f"
                        + " recall_at_10=%.4f map_at_10=%.4f coverage=%.3f  [%s]%n",
                protocol,
                model,
                m.ndcg(),
                m.precision(),
                m.recall(),
                m.map(),
                task.coverage(scores, 10),
                setting);
    }

    /** The dot product (no y range) trained with the BPR loss. */
    record BprSetting(int factors, int epochs, double lr, double wd, int bs) {
        EmbeddingDotBias train(CollabDataLoaders dls, long seed) {
            dev.fastbook.collab.core.Tensors.seed(seed);
            EmbeddingDotBias dot = EmbeddingDotBias.fromClasses(factors, dls.users(), dls.items(), null);
            new Learner<>(BprDataLoaders.from(dls, bs, seed), new Bpr<>(dot), Bpr.loss())
                    .quiet()
                    .fitOneCycle(epochs, lr, wd);
            return dot;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "bpr factors=%d epochs=%d lr=%s wd=%s bs=%d",
                    factors,
                    epochs,
                    Candidate.num(lr),
                    Candidate.num(wd),
                    bs);
        }
    }
}
