package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** notebooks/08_collab_full.ipynb (the chapter's further research, on ml-latest-small), executed by environment/run. */
class CollabFullIT {

    private static final String NAME = "08_collab_full";
    /** Surprise's README, "Benchmarks", MovieLens 100k, 5-fold cross-validation: SVD's mean RMSE. */
    private static final double SURPRISE_SVD_RMSE = 0.934;

    private static ExecutedNotebook nb;

    @BeforeAll
    static void execute() {
        nb = ExecutedNotebook.of(NAME);
    }

    @Test
    void noCellRaisesAnError() {
        nb.assertNoErrors();
        // Its run time is a benchmark's figure (environment/BENCHMARKS.md, "The notebooks"), not an assertion here.
        System.out.printf("[%s] executed in %.0f s%n", NAME, nb.runMillis() / 1000.0);
    }

    @Test
    void hasTheFurtherResearchSections() {
        String headings = String.join("\n", nb.headings());
        for (String h : List.of(
                "The data",
                "Training at a larger batch size",
                "A small sweep",
                "Beside a published benchmark",
                "Exact Adam or a lazy update?",
                "Top 10 for every user",
                "Neighbours of famous films")) {
            assertTrue(headings.contains(h), () -> h + " in\n" + headings);
        }
    }

    @Test
    void loadsMlLatestSmallWithHalfStars() {
        HtmlTable head = nb.table("var name = \"ml-latest-small\"");
        assertEquals(List.of("user", "movie", "rating", "timestamp"), head.header(), head::toString);
        assertEquals(List.of("1", "1", "4", "964982703"), head.rows().get(0).subList(0, 4), head::toString);
        assertEquals(
                "100,836 ratings of 9,724 movies by 610 users",
                nb.cell("ratings of %,d movies").stdout().strip());
        String summary = nb.text("summary()");
        assertTrue(summary.contains("0.5") && summary.contains("5"), summary);
    }

    @Test
    void trainsAtALargerBatchSize() {
        assertTrue(
                nb.text("CollabDataLoaders.from(rated)").contains("bs 1024"), nb.text("CollabDataLoaders.from(rated)"));
        TrainingResults.of(nb.cell("learn.fitOneCycle(5, 1e-2, 0.1)"))
                .assertEpochsAndFinalValidLoss("collabLearner on ml-latest-small, bs 1024", 5, 0.65, 0.82);
    }

    @Test
    void theSweepIsOneSortedTable() {
        HtmlTable sweep = nb.table("var sweep = ");
        assertEquals(List.of("factors", "wd", "epochs", "valid_mse", "valid_rmse"), sweep.header(), sweep::toString);
        assertEquals(8, sweep.rows().size(), sweep::toString);
        double previous = 0;
        Set<String> settings = new HashSet<>();
        for (List<String> row : sweep.rows()) {
            double mse = Double.parseDouble(row.get(3));
            double rmse = Double.parseDouble(row.get(4));
            assertTrue(mse >= previous && mse > 0.5 && mse < 1.2, () -> "sorted, plausible MSE: " + sweep);
            assertEquals(Math.sqrt(mse), rmse, 2e-4, () -> "RMSE is the root of MSE: " + row);
            assertTrue(
                    settings.add(row.get(0) + "/" + row.get(1) + "/" + row.get(2)),
                    () -> "each setting once: " + sweep);
            previous = mse;
        }
    }

    @Test
    void theSweepsProseNamesTheOneSettingThatGainsFromTheLongerRun() {
        HtmlTable sweep = nb.table("var sweep = ");
        java.util.Map<String, double[]> byEpochs = new java.util.TreeMap<>();
        for (List<String> row : sweep.rows()) {
            int at = row.get(2).equals("3") ? 0 : 1;
            byEpochs.computeIfAbsent(row.get(0) + "/" + row.get(1), k -> new double[2])[at] =
                    Double.parseDouble(row.get(3));
        }
        List<String> gain = byEpochs.entrySet().stream()
                .filter(e -> e.getValue()[1] < e.getValue()[0])
                .map(java.util.Map.Entry::getKey)
                .toList();
        assertEquals(
                List.of("25/0.3"), gain, () -> "the markdown names 25 factors, wd 0.3 as the one exception:\n" + sweep);
        assertTrue(String.join("\n", nb.markdown())
                .contains("(25 factors, wd 0.3), which gains a little from the longer run"));
    }

    @Test
    void fiveFoldRmseOnMl100kLandsBesidePublishedResults() {
        String out = nb.cell("validFold(fold, 5)").stdout();
        Matcher fold = Pattern.compile("fold (\\d): 20,000 test ratings, RMSE ([0-9.]+)")
                .matcher(out);
        List<Double> rmses = new ArrayList<>();
        while (fold.find()) {
            rmses.add(Double.parseDouble(fold.group(2)));
        }
        assertEquals(5, rmses.size(), () -> "five folds of 20,000 ratings: " + out);
        Matcher mean = Pattern.compile("mean RMSE over 5 folds: ([0-9.]+)").matcher(out);
        assertTrue(mean.find(), out);
        double m = Double.parseDouble(mean.group(1));
        assertEquals(rmses.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), m, 6e-4, out);
        // at the chapter's settings (issue 13: about 0.904 on an 80/20 split) the biased dot product is ahead of
        // Surprise's SVD, its nearest published relative; far off either way means the protocol broke
        assertTrue(
                m > 0.87 && m < SURPRISE_SVD_RMSE,
                () -> "mean RMSE " + m + " in (0.87, Surprise's SVD " + SURPRISE_SVD_RMSE + ")");
        String code = nb.cell("validFold(fold, 5)").source();
        assertTrue(
                code.contains(".bs(64)") && code.contains("fitOneCycle(5, 5e-3, 0.1)"),
                () -> "the chapter's settings:\n" + code);
        String said = String.join("\n", nb.markdown());
        assertTrue(said.contains(String.format("%.3f", m)), () -> "the prose quotes the measured mean " + m);
        assertTrue(
                said.replaceAll("\\s+", " ").contains("never used to choose an epoch or a setting"),
                "the notebook says how the protocols differ");
    }

    @Test
    void exactAndLazyUpdatesAreComparedSideBySide() {
        HtmlTable t = nb.table("lazyUpdates(lazy)");
        assertEquals(List.of("update", "s_per_epoch", "valid_mse"), t.header(), t::toString);
        assertEquals(2, t.rows().size(), t::toString);
        assertTrue(
                t.rows().get(0).get(0).startsWith("exact")
                        && t.rows().get(1).get(0).startsWith("lazy"),
                t::toString);
        for (List<String> row : t.rows()) {
            double mse = Double.parseDouble(row.get(2));
            assertTrue(mse > 0.5 && mse < 1.0, () -> "both modes learn: " + t);
            assertTrue(Double.parseDouble(row.get(1)) > 0, t::toString);
        }
    }

    @Test
    void topTenForEveryUserSkipsWhatTheyRated() throws IOException {
        assertTrue(
                nb.cell("topK(10)").stdout().contains("top 10 for each of 610 users in"),
                nb.cell("topK(10)").stdout());
        HtmlTable head = nb.table("top.head(2)");
        assertEquals(List.of("user", "rank", "title", "predicted"), head.header(), head::toString);
        assertEquals(20, head.rows().size(), head::toString);
        Map<String, Set<String>> rated = ratedTitles();
        for (List<String> row : head.rows()) {
            assertFalse(
                    rated.get(row.get(0)).contains(row.get(2)),
                    () -> "user " + row.get(0) + " already rated " + row.get(2));
            double p = Double.parseDouble(row.get(3));
            assertTrue(p > 0 && p < 5.5, () -> "a rating in the y range: " + row);
        }
        String one = nb.cell("recommender.predict(1, ").stdout();
        Matcher p = Pattern.compile("user 1, Heat \\(1995\\): ([0-9.]+)").matcher(one);
        assertTrue(p.find(), one);
        double predicted = Double.parseDouble(p.group(1));
        assertTrue(predicted > 0.5 && predicted < 5.5, "prediction " + predicted);
    }

    @Test
    void famousFilmsHaveThreeNeighboursOtherThanThemselves() {
        String out = nb.cell("Similarity.nearest(popularFactors").stdout();
        List<String> lines = out.strip().lines().toList();
        assertEquals(3, lines.size(), out);
        for (String line : lines) {
            String film = line.substring(0, line.indexOf(" -> "));
            String neighbours = line.substring(line.indexOf(" -> ") + 4);
            assertEquals(3, neighbours.split("\\), ").length, line);
            assertFalse(neighbours.contains(film), line);
        }
        assertTrue(
                lines.get(0).substring(lines.get(0).indexOf(" -> ")).contains("Star Wars"),
                () -> "A New Hope's neighbours include another Star Wars film: " + lines.get(0));
    }

    // user id -> titles rated, from ml-latest-small's own files (not through the library)
    private static Map<String, Set<String>> ratedTitles() throws IOException {
        Path folder = MovieLensFiles.folder().resolveSibling("ml-latest-small");
        Map<String, String> titles = new HashMap<>();
        for (String line : Files.readAllLines(folder.resolve("movies.csv")).subList(1, 9743)) {
            int first = line.indexOf(',');
            int last = line.lastIndexOf(',');
            String title = line.substring(first + 1, last);
            titles.put(
                    line.substring(0, first),
                    title.startsWith("\"")
                            ? title.substring(1, title.length() - 1).replace("\"\"", "\"")
                            : title);
        }
        Map<String, Set<String>> rated = new HashMap<>();
        for (String line : Files.readAllLines(folder.resolve("ratings.csv")).subList(1, 100_837)) {
            String[] f = line.split(",");
            rated.computeIfAbsent(f[0], u -> new HashSet<>()).add(titles.get(f[1]));
        }
        return rated;
    }
}
