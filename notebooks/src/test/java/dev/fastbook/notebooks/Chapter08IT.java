package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** notebooks/08_collab.ipynb, executed by environment/run with the real Jupyter and Java kernel. */
class Chapter08IT {

    private static final String NAME = "08_collab";
    private static final double TOLERANCE = 1e-9;

    private static ExecutedNotebook nb;

    @BeforeAll
    static void execute() {
        nb = ExecutedNotebook.of(NAME);
    }

    @Test
    void noCellRaisesAnError() {
        nb.assertNoErrors();
    }

    @Test
    void headShowsTheFirstRatings() {
        HtmlTable head = nb.table("ratings.first(5)");
        assertEquals(List.of("user", "movie", "rating", "timestamp"), head.header(), head::toString);
        assertEquals(5, head.rows().size(), head::toString);
        assertEquals(List.of("196", "242", "3", "881250949"), head.rows().get(0), head::toString);
        assertEquals(List.of("186", "302", "3", "891717742"), head.rows().get(1), head::toString);
    }

    @Test
    void crosstabHasFifteenUsersByFifteenMovies() {
        HtmlTable crosstab = nb.table("Crosstab.mostActive(");
        assertEquals(15, crosstab.rows().size(), () -> "data rows (<tr> with <td>):\n" + crosstab);
        List<String> header = crosstab.header();
        assertTrue(header.size() >= 15, () -> "header cells (<th>): " + header);
        List<String> movieColumns = movieColumns(crosstab);
        assertEquals(
                15,
                movieColumns.stream().map(Integer::parseInt).distinct().count(),
                () -> "15 distinct movie ids in the header: " + header);
        for (List<String> row : crosstab.rows()) {
            assertEquals(16, row.size(), () -> "a user id then 15 ratings: " + row);
        }
    }

    @Test
    void crosstabShowsTheMostActiveUsersAndMostRatedMoviesWithTheirRatings() throws IOException {
        Path data = ratingsFile();
        Map<Integer, Integer> perUser = new HashMap<>();
        Map<Integer, Integer> perMovie = new HashMap<>();
        Map<Long, Integer> rating = new HashMap<>();
        for (String line : Files.readAllLines(data, StandardCharsets.ISO_8859_1)) {
            String[] f = line.split("\t");
            int user = Integer.parseInt(f[0]);
            int movie = Integer.parseInt(f[1]);
            perUser.merge(user, 1, Integer::sum);
            perMovie.merge(movie, 1, Integer::sum);
            rating.put(key(user, movie), Integer.parseInt(f[2]));
        }
        HtmlTable crosstab = nb.table("Crosstab.mostActive(");
        List<Integer> movies =
                movieColumns(crosstab).stream().map(Integer::parseInt).toList();
        List<Integer> users =
                crosstab.rows().stream().map(r -> Integer.parseInt(r.get(0))).toList();
        assertEquals(top(perUser, 15), new HashSet<>(users), "the 15 users with the most ratings");
        assertEquals(top(perMovie, 15), new HashSet<>(movies), "the 15 movies with the most ratings");

        int blanks = 0;
        for (List<String> row : crosstab.rows()) {
            int user = Integer.parseInt(row.get(0));
            for (int c = 0; c < movies.size(); c++) {
                String shown = row.get(row.size() - movies.size() + c);
                Integer expected = rating.get(key(user, movies.get(c)));
                if (expected == null) {
                    blanks++;
                    assertTrue(
                            shown.isBlank(),
                            "blank where user " + user + " did not rate movie " + movies.get(c) + ", shown: '" + shown
                                    + "'");
                } else {
                    assertEquals(
                            expected,
                            Double.parseDouble(shown),
                            TOLERANCE,
                            "rating of user " + user + " for movie " + movies.get(c));
                }
            }
        }
        assertTrue(blanks > 0, "even the most active users have not rated every popular movie");
    }

    @Test
    void dotProductsOfTheLatentFactorToy() {
        assertEquals(2.142, nb.number("dot(user1, lastSkywalker)"), TOLERANCE);
        assertEquals(-1.611, nb.number("dot(user1, casablanca)"), TOLERANCE);
    }

    // ---- the rest of the chapter ----------------------------------------------------------------------

    @Test
    void followsTheChaptersSectionsInOrder() {
        List<String> expected = List.of(
                "A first look at the data",
                "Learning the latent factors",
                "Creating the DataLoaders",
                "Collaborative filtering from scratch",
                "Weight decay",
                "Creating our own Embedding module",
                "Interpreting embeddings and biases",
                "Using the library's collab learner",
                "Embedding distance",
                "Bootstrapping a collaborative filtering model",
                "Deep learning for collaborative filtering",
                "Sidebar: keyword arguments",
                "Questionnaire",
                "Further research");
        List<String> headings = nb.headings();
        int at = -1;
        for (String h : expected) {
            int from = at + 1;
            int found = -1;
            for (int i = from; i < headings.size(); i++) {
                if (headings.get(i).startsWith(h)) {
                    found = i;
                    break;
                }
            }
            assertTrue(found >= 0, () -> "heading '" + h + "' after position " + from + " in " + headings);
            at = found;
        }
    }

    @Test
    void moviesHeadStartsWithToyStory() {
        HtmlTable head = nb.table("movies.first(5)");
        assertEquals(List.of("movie", "title"), head.header(), head::toString);
        assertEquals(5, head.rows().size(), head::toString);
        assertEquals(List.of("1", "Toy Story (1995)"), head.rows().get(0), head::toString);
        assertEquals(List.of("5", "Copycat (1995)"), head.rows().get(4), head::toString);
    }

    @Test
    void ratingsWithTitlesHaveATitleColumn() {
        HtmlTable merged = nb.table(".with(movies).join()");
        assertEquals(List.of("user", "movie", "rating", "timestamp", "title"), merged.header(), merged::toString);
        assertEquals(5, merged.rows().size(), merged::toString);
        for (List<String> row : merged.rows()) {
            assertEquals("Toy Story (1995)", row.get(4), "Tablesaw lists the join by the right table: " + merged);
        }
    }

    @Test
    void showBatchHasTenDecodedRows() {
        HtmlTable batch = nb.table("dls.showBatch()");
        assertEquals(List.of("user", "title", "rating"), batch.header(), batch::toString);
        assertEquals(10, batch.rows().size(), batch::toString);
        for (List<String> row : batch.rows()) {
            assertTrue(row.get(0).matches("\\d+"), () -> "a user id: " + row);
            assertTrue(row.get(1).matches(".+\\(\\d{4}\\)"), () -> "a title with its year: " + row);
            double rating = Double.parseDouble(row.get(2));
            assertTrue(rating >= 1 && rating <= 5, () -> "a rating 1-5: " + row);
        }
    }

    @Test
    void vocabulariesHave944UsersAnd1665Titles() {
        assertEquals("users: 944, titles: 1665", nb.text("int nUsers = ").strip());
    }

    @Test
    void oneHotProductEqualsRowThree() {
        String product = nb.text(".matMul(oneHot3)");
        String row = nb.text("userFactors.get(3)");
        assertTrue(product.startsWith("ND: (5) "), product);
        List<Double> a = bracketed(product);
        List<Double> b = bracketed(row);
        assertEquals(5, a.size(), product);
        assertEquals(a, b, "one-hot product:\n" + product + "\nrow 3:\n" + row);
    }

    @Test
    void aBatchIs64PairsOfIndices() {
        assertEquals("(64, 2)", nb.text("x.getShape()").strip());
    }

    @Test
    void theClassExampleGreets() {
        assertEquals(
                "Hello Sylvain, nice to meet you.",
                nb.text("new Example(\"Sylvain\")").strip());
    }

    /** The chapter's eight training cells, in order, each with the book's final valid_loss range. */
    @Test
    void everyTrainingCellShowsFiveEpochsNearTheBooksLoss() {
        record Expected(String model, String marker, double lo, double hi) {}
        List<Expected> expected = List.of(
                new Expected("DotProduct", "learn.fitOneCycle(5, 5e-3);", 0.85, 0.90),
                new Expected("DotProduct with y_range", "new DotProduct(nUsers, nMovies, 50)", 0.86, 0.90),
                new Expected("DotProductBias, no weight decay", "learn.fitOneCycle(5, 5e-3);", 0.83, 0.91),
                new Expected("DotProductBias, wd 0.1", "learn.fitOneCycle(5, 5e-3, 0.1);", 0.80, 0.84),
                new Expected("create_params DotProductBias, wd 0.1", "learn.fitOneCycle(5, 5e-3, 0.1);", 0.80, 0.84),
                new Expected("collabLearner, wd 0.1", "learn.fitOneCycle(5, 5e-3, 0.1);", 0.80, 0.84),
                new Expected("CollabNN, wd 0.01", "learn.fitOneCycle(5, 5e-3, 0.01);", 0.84, 0.90),
                new Expected(
                        "collabLearnerNn [100, 50], wd 0.1", "collabLearnerNn(dls, new int[] {100, 50}", 0.84, 0.90));
        List<ExecutedNotebook.Cell> training = nb.codeCells().stream()
                .filter(c -> c.source().contains("fitOneCycle("))
                .toList();
        assertEquals(
                expected.size(),
                training.size(),
                () -> "training cells: "
                        + training.stream().map(ExecutedNotebook.Cell::source).collect(Collectors.joining("\n---\n")));
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < expected.size(); i++) {
            Expected e = expected.get(i);
            ExecutedNotebook.Cell cell = training.get(i);
            assertTrue(
                    cell.source().contains(e.marker()),
                    () -> e.model() + ": the cell should contain '" + e.marker() + "':\n" + cell.source());
            TrainingResults results = TrainingResults.of(cell);
            results.assertEpochsAndFinalValidLoss(e.model(), 5, e.lo(), e.hi());
            report.append(String.format("%-40s %.6f%n", e.model(), results.finalValidLoss()));
        }
        System.out.print("[08_collab] final valid_loss per training cell:\n" + report);
    }

    @Test
    void withWeightDecayTheValidationLossLevelsOffAsTheMarkdownSays() {
        ExecutedNotebook.Cell wd = nb.codeCells().stream()
                .filter(c ->
                        c.source().contains("new DotProductBias(") && c.source().contains("fitOneCycle(5, 5e-3, 0.1);"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no DotProductBias training cell with wd 0.1"));
        var epochs = TrainingResults.of(wd).epochs();
        double last = epochs.get(4).validLoss();
        double before = epochs.get(3).validLoss();
        assertTrue(
                Math.abs(last - before) < 0.001 && last < 0.83 && last > 0.81,
                () ->
                        "\"falls to about 0.82 and then levels off (the last epoch moves it by less than a thousandth)\": "
                                + epochs);
    }

    @Test
    void withoutWeightDecayTheBiasModelOverfits() {
        ExecutedNotebook.Cell noWd = nb.codeCells().stream()
                .filter(c ->
                        c.source().contains("new DotProductBias(") && c.source().contains("fitOneCycle(5, 5e-3);"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no DotProductBias training cell without wd"));
        TrainingResults results = TrainingResults.of(noWd);
        assertTrue(
                results.finalValidLoss() > results.bestValidLoss() + 0.01,
                () -> "valid_loss rises again in the last epochs:\n" + results.table());
    }

    @Test
    void weightDecayPlotAndPcaScatterArePngs() {
        assertTrue(nb.hasPng("Plots.curves("), "the a * x^2 plot");
        assertTrue(nb.hasPng("Plots.scatterLabelled("), "the PCA scatter");
    }

    @Test
    void ownEmbeddingModuleShowsWhichFieldsAreParameters() {
        String plain = nb.text("NDArray a = Tensors.ones(3)");
        assertEquals("(#0) []", plain.strip(), () -> "no parameters: " + plain);
        String wrapped = nb.text("Parameter a = parameter(Tensors.ones(3))");
        assertEquals(
                "(#1) [a: Parameter (3) [1.000, 1.000, 1.000]]", wrapped.strip(), () -> "one parameter: " + wrapped);
        String linear = nb.text("Linear a = linear(1, 3, false)");
        assertTrue(
                linear.strip().startsWith("(#1) [a_weight: Parameter (3, 1) ["),
                () -> "the Linear layer's weight: " + linear);
        assertEquals(
                "class ai.djl.nn.Parameter", nb.text("t.a.weight.getClass()").strip());
        assertTrue(nb.text("createParams(3, 2)").startsWith("ND: (3, 2)"), nb.text("createParams(3, 2)"));
    }

    @Test
    void lowestAndHighestBiasTitles() {
        for (String marker :
                List.of("Argsort.lowest(movieBias", "Argsort.highest(movieBias", "Argsort.highest(topBias")) {
            List<String> titles = nb.cell(marker).stdout().lines().toList();
            assertEquals(5, titles.size(), () -> marker + ": " + titles);
            assertEquals(5, titles.stream().distinct().count(), () -> marker + ": " + titles);
            titles.forEach(t -> assertTrue(t.matches(".+\\(\\d{4}\\)"), () -> marker + ": a title: " + t));
        }
        List<String> lowest =
                nb.cell("Argsort.lowest(movieBias").stdout().lines().toList();
        List<String> highest =
                nb.cell("Argsort.highest(movieBias").stdout().lines().toList();
        assertTrue(lowest.stream().noneMatch(highest::contains), () -> lowest + " vs " + highest);
    }

    @Test
    void collabLearnerModelPrintout() {
        String printout = nb.text("learn.model()");
        for (String part : List.of(
                "EmbeddingDotBias(",
                "Embedding(944, 50)",
                "Embedding(1665, 50)",
                "Embedding(944, 1)",
                "Embedding(1665, 1)")) {
            assertTrue(printout.contains(part), () -> part + " in\n" + printout);
        }
    }

    @Test
    void silenceOfTheLambsNeighbourIsAnotherTitle() {
        String neighbour = nb.text("Similarity.nearest(").strip();
        assertFalse(neighbour.isEmpty(), "a title is shown");
        assertFalse(neighbour.contains("\n"), () -> "one title: " + neighbour);
        assertTrue(
                !neighbour.equals("Silence of the Lambs, The (1991)") && !neighbour.equals("#na#"),
                () -> "another title: " + neighbour);
        assertTrue(MovieLensFiles.titles().containsValue(neighbour), () -> "a MovieLens title: " + neighbour);
    }

    @Test
    void bootstrappingSketchRecommendsUnratedTitles() {
        List<String> lines = nb.cell("forNewUser(newUser, 5)").stdout().lines().toList();
        assertEquals(5, lines.size(), () -> "five recommendations: " + lines);
        for (String line : lines) {
            assertTrue(line.matches("\\d\\.\\d\\d  .+\\(\\d{4}\\)"), () -> "predicted rating and title: " + line);
            assertFalse(
                    line.contains("Star Wars (1977)") || line.contains("Sleepless in Seattle (1993)"),
                    () -> "not one of the titles the new user rated: " + line);
        }
    }

    @Test
    void embeddingSizesAndTheNeuralModels() {
        assertEquals("[(944, 74), (1665, 102)]", nb.text("getEmbSz(dls)").strip());
        String collabNn = nb.text("new CollabNN(embs.get(0), embs.get(1))");
        for (String part : List.of(
                "CollabNN(",
                "Embedding(944, 74)",
                "Embedding(1665, 102)",
                "Linear(in_features=176, out_features=100",
                "Linear(in_features=100, out_features=1")) {
            assertTrue(collabNn.contains(part), () -> part + " in\n" + collabNn);
        }
        List<ExecutedNotebook.Cell> printouts = nb.cells("learn.model()");
        String embeddingNn = printouts.get(printouts.size() - 1).text();
        for (String part : List.of(
                "EmbeddingNN(",
                "Embedding(944, 74)",
                "Embedding(1665, 102)",
                "Linear(in_features=176, out_features=100, bias=False)",
                "BatchNorm1d(100",
                "Linear(in_features=100, out_features=50, bias=False)",
                "BatchNorm1d(50",
                "Linear(in_features=50, out_features=1, bias=True)",
                "SigmoidRange")) {
            assertTrue(embeddingNn.contains(part), () -> part + " in\n" + embeddingNn);
        }
    }

    /** The chapter's last code cell: fastai's EmbeddingNN as a short subclass of TabularModel, after the model it shows. */
    @Test
    void theChaptersLastCellWritesEmbeddingNNOnTabularModel() {
        ExecutedNotebook.Cell cell = nb.cell("class MyEmbeddingNN extends TabularModel");
        assertTrue(cell.source().contains("super(embSzs, 0, 1, layers, yRange);"), cell::source);
        assertTrue(cell.errors().isEmpty(), () -> "it runs: " + cell.text());
        String printout = cell.text();
        for (String part : List.of(
                "MyEmbeddingNN(",
                "Embedding(944, 74)",
                "Embedding(1665, 102)",
                "Linear(in_features=176, out_features=100, bias=False)",
                "BatchNorm1d(50",
                "Linear(in_features=50, out_features=1, bias=True)",
                "SigmoidRange")) {
            assertTrue(printout.contains(part), () -> part + " in\n" + printout);
        }
        List<ExecutedNotebook.Cell> printouts = nb.cells("learn.model()");
        assertTrue(
                cell.index() > printouts.get(printouts.size() - 1).index(),
                "after the library model's printout, as in the chapter");
    }

    @Test
    void kernelspecIsTheProjectsJavaKernel() {
        // The executed copy records the kernel that ran it.
        String source;
        try {
            source = Files.readString(nb.file());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertTrue(source.contains("\"name\": \"java\""), "kernelspec java");
        assertTrue(
                Files.isRegularFile(ExecutedNotebook.repo().resolve("target/notebooks/" + NAME + ".html")),
                "environment/run writes the HTML copy too");
    }

    /** The numbers of an NDArray printout, e.g. {@code [ 0.3538, -0.4903, ...]}. */
    private static List<Double> bracketed(String printout) {
        int open = printout.indexOf('[');
        int close = printout.lastIndexOf(']');
        assertTrue(open >= 0 && close > open, () -> "an array printout: " + printout);
        List<Double> out = new ArrayList<>();
        for (String part : printout.substring(open + 1, close).split(",")) {
            if (!part.isBlank()) {
                out.add(Double.parseDouble(part.strip()));
            }
        }
        return out;
    }

    /** The last 15 header cells: the movie ids (a corner cell for the user column may come first). */
    private static List<String> movieColumns(HtmlTable table) {
        List<String> header = table.header();
        return header.subList(Math.max(0, header.size() - 15), header.size());
    }

    private static Set<Integer> top(Map<Integer, Integer> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<Integer, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(n)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private static long key(int user, int movie) {
        return ((long) user << 32) | movie;
    }

    /** u.data where the notebook found it: $FASTBOOK_DATA, else ../shared/data, else the library's cache. */
    private static Path ratingsFile() {
        return MovieLensFiles.ratingsFile();
    }
}
