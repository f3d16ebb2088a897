package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** notebooks/08_collab_benchmarks.ipynb (issue 13: published protocols, side columns, ranking), executed by environment/run. */
class CollabBenchmarksIT {

    private static final String NAME = "08_collab_benchmarks";
    private static ExecutedNotebook nb;

    @BeforeAll
    static void execute() {
        nb = ExecutedNotebook.of(NAME);
        System.out.printf("[%s] executed in %.0f s%n", NAME, nb.runMillis() / 1000.0);
    }

    @Test
    void noCellRaisesAnError() {
        nb.assertNoErrors();
    }

    @Test
    void hasOneSectionPerPart() {
        String headings = String.join("\n", nb.headings());
        for (String h : List.of(
                "The official splits",
                "The settings, from the search",
                "Four models on `u1`",
                "The results beside the published ones",
                "What the extra columns add",
                "Ranking: how good are top-10 lists?",
                "One user's lists",
                "Which model to use",
                "Implicit data: bought / not bought")) {
            assertTrue(headings.contains(h), () -> h + " in\n" + headings);
        }
    }

    /** The file environment/bench --leaderboard --choices writes (committed). */
    static Map<String, String> choicesFile() throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(
                ExecutedNotebook.repo().resolve("environment/benchmarks/leaderboard-choices.properties"))) {
            p.load(in);
        }
        Map<String, String> out = new TreeMap<>();
        p.forEach((k, v) -> out.put((String) k, (String) v));
        return out;
    }

    @Test
    void theSettingsAreTheOnesTheSearchWrote() throws IOException {
        Map<String, String> shown = new TreeMap<>();
        for (String marker : List.of("Table choicesOf(String protocol)", "choicesOf(\"stratified75\")")) {
            HtmlTable t = nb.table(marker);
            assertTrue(t.rows().size() <= 20, "a table of more than 20 rows is shown elided: " + t);
            for (List<String> row : t.rows()) {
                shown.put(row.get(0), row.get(1));
            }
        }
        assertEquals(choicesFile(), shown, "the notebook's settings table against leaderboard-choices.properties");
        // every variable is read from that file, none typed in
        String vars = nb.cell("int dotFactors =").source();
        assertTrue(
                vars.contains("choice(\"u1.dot.factors\")") && vars.contains("choice(\"stratified75.ease.lambda\")"),
                vars);
        assertTrue(!vars.matches("(?s).*=\\s*[0-9].*"), "a setting typed into the notebook:\n" + vars);
    }

    @Test
    void theSplitSaysItIsNotUniform() {
        String u1 = nb.text("var u1 = ml.split(\"u1\");");
        assertTrue(
                u1.contains("459 users (ids 1-462)")
                        && u1.contains("32 test rows have a movie the training file lacks"),
                u1);
    }

    @Test
    void theRatingTableHasOurModelsBesideThePublishedOnes() {
        HtmlTable t = nb.table("var results = Table.create(");
        assertEquals(List.of("protocol", "model", "rmse", "mae", "source"), t.header());
        Map<String, Double> ours = new LinkedHashMap<>();
        for (List<String> row : t.rows()) {
            if (row.get(4).equals("this notebook")) {
                assertEquals("ml-100k u1", row.get(0), row.toString());
                ours.put(row.get(1), Double.parseDouble(row.get(2)));
            }
        }
        assertEquals(
                List.of("dot-chapter", "dot-tuned", "dot-side", "tabular-side", "ensemble"),
                List.copyOf(ours.keySet()));
        // Stated bounds: every model of ours lands between 0.86 and 0.95 on u1.test; the chapter's settings
        // near 0.92; the best near or below 0.91 (the benchmark's figures are in the README).
        ours.forEach((model, rmse) -> assertTrue(rmse > 0.86 && rmse < 0.95, model + " rmse " + rmse));
        double best =
                ours.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertTrue(best < 0.915, "best rmse " + best);
        String all = t.rows().toString();
        for (String published : List.of("GC-MC", "IGMC", "GLocal-K", "GHRS (demographics)", "Surprise SVD++")) {
            assertTrue(all.contains(published), published + " in " + all);
        }
        assertTrue(all.contains("ml-100k 5-fold random CV"), "the Surprise rows say their protocol");
    }

    @Test
    void theSideColumnsAreComparedGroupByGroup() {
        HtmlTable t = nb.table("var sideTable = Table.create(");
        assertEquals(4, t.rows().size(), t.toString());
        assertEquals(
                List.of("none", "demographics", "genres", "all"),
                t.rows().stream().map(r -> r.get(0)).toList());
        for (List<String> r : t.rows()) {
            double rmse = Double.parseDouble(r.get(1));
            assertTrue(rmse > 0.86 && rmse < 0.95, r.toString());
        }
    }

    @Test
    void theItemModelsAndBprRankBetterThanPopularityAndTheMseModel() {
        HtmlTable t = nb.table("var ranking = Table.create(");
        assertEquals(
                List.of("model", "ndcg_at_10", "precision_at_10", "recall_at_10", "map_at_10", "source"), t.header());
        Map<String, Double> ndcg = new LinkedHashMap<>();
        for (List<String> row : t.rows()) {
            if (row.get(5).equals("this notebook")) {
                ndcg.put(row.get(0), Double.parseDouble(row.get(1)));
            }
        }
        assertEquals(List.of("popularity", "dot-mse", "dot-bpr", "ease", "rp3beta"), List.copyOf(ndcg.keySet()));
        // Stated bounds: popularity between 0.15 and 0.35, BPR between 0.35 and 0.60 and ahead of both others.
        assertTrue(ndcg.get("popularity") > 0.15 && ndcg.get("popularity") < 0.35, ndcg.toString());
        assertTrue(ndcg.get("dot-bpr") > 0.35 && ndcg.get("dot-bpr") < 0.60, ndcg.toString());
        assertTrue(
                ndcg.get("dot-bpr") > ndcg.get("popularity") && ndcg.get("dot-bpr") > ndcg.get("dot-mse"),
                ndcg.toString());
        // Stated bounds: EASE above 0.45 and ahead of BPR; RP3beta above 0.40 (the benchmark page has the figures)
        assertTrue(ndcg.get("ease") > 0.45 && ndcg.get("ease") > ndcg.get("dot-bpr"), ndcg.toString());
        assertTrue(ndcg.get("rp3beta") > 0.40 && ndcg.get("rp3beta") < 0.60, ndcg.toString());
        assertTrue(t.rows().toString().contains("BiVAE"), "Recommenders' rows beside ours");
    }

    @Test
    void bprTrainsWithLrFindAndTheLiveTable() {
        assertTrue(nb.text("bprLearner().lrFind()").contains("SuggestedLRs(valley="), nb.text("bprLearner().lrFind()"));
        HtmlTable fit = nb.table("bpr.fitOneCycle(");
        assertTrue(fit.header().contains("pair_accuracy"), fit.toString());
    }

    @Test
    void oneUsersTopTenFromEachModelHasTitles() {
        HtmlTable t = nb.table("var lists = Table.create(");
        assertEquals(List.of("rank", "popularity", "dot-mse", "dot-bpr", "ease", "rp3beta"), t.header());
        assertEquals(10, t.rows().size());
        assertTrue(t.rows().stream().allMatch(r -> r.get(1).matches(".*\\(\\d{4}\\)$")), t.toString());
    }

    @Test
    void implicitPairsTrainTheItemModel() {
        HtmlTable t = nb.table("var shopLists = Table.create(");
        assertEquals(List.of("customer", "first", "second"), t.header());
        // bob bought tea and milk, as ann and dee did, who also bought bread
        assertEquals("bread", t.rows().get(1).get(1), t.toString());
        assertTrue(
                nb.text("Positives.atLeast(all").contains("of 100000 ratings are 4 stars or more"),
                nb.text("Positives.atLeast(all"));
    }
}
