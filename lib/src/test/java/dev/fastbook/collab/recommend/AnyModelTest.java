package dev.fastbook.collab.recommend;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbSz;
import dev.fastbook.collab.model.Embedding;
import dev.fastbook.collab.model.EmbeddingNN;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.model.SideFeatures;
import dev.fastbook.collab.model.TabularModel;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.CollabLearner;
import dev.fastbook.collab.train.Learner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** Recommendations, export and load for models other than the dot product. */
class AnyModelTest {
    static Table ratings;
    static CollabDataLoaders dls;
    static Learner<CollabDataLoaders, EmbeddingNN> nn;

    /** The chapter's first model, as a user writes it: a dot product with no biases. */
    public static class DotProduct extends Module {
        final Embedding userFactors;
        final Embedding itemFactors;

        public DotProduct(int nUsers, int nItems, int factors) {
            userFactors = new Embedding(nUsers, factors);
            itemFactors = new Embedding(nItems, factors);
        }

        @Override
        public NDArray forward(NDArray x) {
            NDList c = x.split(2, 1);
            return userFactors
                    .forward(c.get(0).squeeze(1))
                    .mul(itemFactors.forward(c.get(1).squeeze(1)))
                    .sum(new int[] {1});
        }
    }

    @BeforeAll
    static void train() {
        ratings = Fixtures.synthetic(60, 40, 0.5, 3);
        Tensors.seed(0);
        dls = CollabDataLoaders.from(ratings).bs(32).seed(1).build();
        nn = CollabLearner.collabLearnerNn(dls, new int[] {16}, YRange.of(0, 5.5))
                .quiet();
        PrintStream out = System.out;
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            nn.fitOneCycle(2, 1e-2, 0.01);
        } finally {
            System.setOut(out);
        }
    }

    @AfterEach
    void defaults() {
        ForwardScorer.maxPairs = 1 << 16;
    }

    /** Every (user, item) prediction at once, straight through {@code forward} on x rows (user, item, side columns). */
    static float[][] bruteForce(Module model, int nUsers, int nItems, int[][] userColumns) {
        int side = userColumns == null ? 0 : userColumns[0].length;
        long[] x = new long[(nUsers - 1) * (nItems - 1) * (2 + side)];
        int p = 0;
        for (int u = 1; u < nUsers; u++) {
            for (int i = 1; i < nItems; i++) {
                x[p++] = u;
                x[p++] = i;
                for (int c = 0; c < side; c++) {
                    x[p++] = userColumns[u][c];
                }
            }
        }
        boolean was = model.isTraining();
        model.eval();
        float[] flat = Tensors.noGrad(() -> {
            try (var m = Tensors.manager().newSubManager()) {
                return model.forward(m.create(x, new Shape((long) (nUsers - 1) * (nItems - 1), 2 + side)))
                        .toFloatArray();
            }
        });
        if (was) {
            model.train();
        }
        float[][] out = new float[nUsers][nItems];
        for (int u = 1; u < nUsers; u++) {
            System.arraycopy(flat, (u - 1) * (nItems - 1), out[u], 1, nItems - 1);
        }
        return out;
    }

    /** Each user's recommendations are the best unseen items of the brute-force scores, rank by rank. */
    static void assertTopKMatches(TopK top, Recommender rec, float[][] all, int k) {
        Vocab users = rec.users();
        Vocab items = rec.items();
        for (int u = 1; u < users.size(); u++) {
            List<String> seen = rec.seen(users.get(u));
            List<Float> unseen = new ArrayList<>();
            for (int i = 1; i < items.size(); i++) {
                if (!seen.contains(items.get(i))) {
                    unseen.add(all[u][i]);
                }
            }
            unseen.sort((a, b) -> Float.compare(b, a));
            List<Recommendation> recs = top.forUser(users.get(u));
            assertEquals(Math.min(k, unseen.size()), recs.size());
            for (int j = 0; j < recs.size(); j++) {
                Recommendation r = recs.get(j);
                assertFalse(seen.contains(r.item()), "user " + users.get(u) + " already rated " + r.item());
                assertEquals(unseen.get(j), r.predicted(), 1e-5, "rank " + (j + 1) + " of user " + users.get(u));
                assertEquals(all[u][items.indexOf(r.item())], r.predicted(), 1e-5, "the score of the item shown");
            }
        }
    }

    @Test
    void theNeuralModelRecommendsWhatItsForwardPassRanksFirst() {
        Recommender rec = Recommender.of(nn).excludeRated(ratings);
        float[][] all = bruteForce(nn.model(), dls.users().size(), dls.items().size(), null);
        TopK top = rec.topK(5);
        assertEquals(60, top.users());
        assertTopKMatches(top, rec, all, 5);
        assertEquals(all[17][3], rec.predict(dls.users().get(17), dls.items().get(3)), 1e-5);
        Table pairs = ratings.first(30);
        Table predicted = rec.predict(pairs);
        for (int r = 0; r < 30; r++) {
            int u = dls.users().indexOf(pairs.intColumn("user").get(r));
            int i = dls.items().indexOf(pairs.stringColumn("title").get(r));
            assertEquals(all[u][i], predicted.doubleColumn("predicted").get(r), 1e-5, "row " + r);
        }
        // blocks of a few pairs, items split between calls, give the same lists
        ForwardScorer.maxPairs = 7;
        assertTopKMatches(rec.topK(5), rec, all, 5);
        assertEquals(
                top.forUser("12").get(0).item(), rec.recommend("12", 3).get(0).item());
        assertTrue(
                rec.toString().startsWith("Recommender(EmbeddingNN: 60 users x 40 titles, y range (0.0, 5.5); "),
                rec.toString());
        var cold = assertThrows(IllegalStateException.class, () -> rec.forNewUser(Map.of("Movie 1", 5.0), 3));
        assertTrue(cold.getMessage().contains("only the dot-product model"), cold.getMessage());
    }

    @Test
    void theNeuralModelIsExportedAndLoadedWithItsVocabularies(@TempDir Path tmp) throws IOException {
        Recommender rec = Recommender.of(nn).excludeRated(ratings);
        rec.save(tmp.resolve("nn"));
        Recommender back = Recommender.load(tmp.resolve("nn")).excludeRated(ratings);
        assertInstanceOf(EmbeddingNN.class, back.model());
        assertEquals(dls.users(), back.users());
        assertEquals(dls.items(), back.items());
        assertEquals(
                rec.predict(ratings).doubleColumn("predicted").asList(),
                back.predict(ratings).doubleColumn("predicted").asList());
        assertEquals(rec.topK(4).toTable().toString(), back.topK(4).toTable().toString());
        EmbeddingNN loaded = (EmbeddingNN) back.model();
        assertEquals(nn.model().embSzs(), loaded.embSzs());
        assertArrayEquals(new int[] {16}, loaded.hidden());
        assertEquals(YRange.of(0, 5.5), loaded.yRange());
    }

    @Test
    void aUsersOwnModuleRecommendsAndLoadsThroughAFactory(@TempDir Path tmp) throws IOException {
        Tensors.seed(5);
        var own = new Learner<>(
                        dls, new DotProduct(dls.users().size(), dls.items().size(), 4))
                .quiet();
        PrintStream out = System.out;
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            own.fitOneCycle(2, 1e-2, 0.01);
        } finally {
            System.setOut(out);
        }
        Recommender rec = Recommender.of(own).excludeRated(ratings);
        assertTopKMatches(
                rec.topK(3),
                rec,
                bruteForce(own.model(), dls.users().size(), dls.items().size(), null),
                3);

        Path dir = tmp.resolve("own");
        rec.save(dir);
        String noFactory =
                assertThrows(IOException.class, () -> Recommender.load(dir)).getMessage();
        assertTrue(
                noFactory.contains(
                        "your own model: load it with Recommender.load(dir, (users, items) -> new DotProduct(...))"),
                noFactory);
        Recommender back = Recommender.load(dir, (users, items) -> new DotProduct(users.size(), items.size(), 4))
                .excludeRated(ratings);
        assertEquals(rec.topK(3).toTable().toString(), back.topK(3).toTable().toString());
        assertEquals(rec.predict("7", "Movie 9"), back.predict("7", "Movie 9"), 0);
        String wrongSize = assertThrows(
                        IOException.class,
                        () -> Recommender.load(dir, (users, items) -> new DotProduct(users.size(), items.size(), 5)))
                .getMessage();
        assertTrue(wrongSize.contains("model.params does not hold those sizes"), wrongSize);
        String wrongClass = assertThrows(
                        IOException.class,
                        () -> Recommender.load(
                                dir,
                                (users, items) -> new EmbeddingNN(
                                        List.of(EmbSz.of(users.size()), EmbSz.of(items.size())), new int[] {4}, null)))
                .getMessage();
        assertTrue(wrongClass.contains("but the factory built dev.fastbook.collab.model.EmbeddingNN"), wrongClass);
    }

    @Test
    void aModelWithSideColumnsScoresThroughAForwardScorerFedThem() {
        Vocab users = dls.users();
        Vocab items = dls.items();
        int[][] group = new int[users.size()][1];
        for (int u = 1; u < users.size(); u++) {
            group[u][0] = 1 + Integer.parseInt(users.get(u)) % 3; // e.g. an age group, 0 is #na#
        }
        Tensors.seed(9);
        var side = new EmbeddingNN(
                List.of(EmbSz.of(users.size()), EmbSz.of(items.size()), new EmbSz(4, 3)),
                new int[] {8},
                YRange.of(0, 5.5));
        Recommender plain = Recommender.of(side, users, items);
        var noColumns = assertThrows(IllegalStateException.class, () -> plain.topK(3));
        assertTrue(
                noColumns
                        .getMessage()
                        .contains("ForwardScorer.of(model, nItems).withSideColumns(userColumns, itemColumns)"),
                noColumns.getMessage());

        Recommender rec = Recommender.of(side, users, items)
                .scoredBy(ForwardScorer.of(side, items.size()).withSideColumns(group, null))
                .excludeRated(ratings);
        ForwardScorer.maxPairs = 50;
        assertTopKMatches(rec.topK(4), rec, bruteForce(side, users.size(), items.size(), group), 4);

        var ragged = assertThrows(
                IllegalArgumentException.class,
                () -> ForwardScorer.of(side, items.size()).withSideColumns(new int[][] {{0}, {1, 2}}, null));
        assertTrue(ragged.getMessage().contains("userColumns[1] has 2 values, row 0 has 1"), ragged.getMessage());
    }

    /** A folder saved when the side-column model was called TabularCollab loads into its successor, TabularModel. */
    @Test
    void aSavedTabularCollabLoadsAsTheTabularModelFedSideColumns(@TempDir Path tmp) throws IOException {
        SideFeatures side = SideFeatures.of(dls.users(), dls.items());
        Tensors.seed(4);
        Recommender rec =
                Recommender.of(TabularModel.withSide(side, new int[] {6}, YRange.of(0, 5.5)), dls.users(), dls.items());
        Path dir = tmp.resolve("tab");
        rec.save(dir);
        Path props = dir.resolve("model-1").resolve("model.properties");
        String text = Files.readString(props);
        assertTrue(text.contains("model=dev.fastbook.collab.model.TabularModel"), text);
        Files.writeString(
                props, text.replace("model.TabularModel", "model.TabularCollab")); // as the old class saved it
        String noFactory =
                assertThrows(IOException.class, () -> Recommender.load(dir)).getMessage();
        assertTrue(noFactory.contains("(users, items) -> TabularModel.withSide(side, layers, yRange)"), noFactory);
        Recommender back = Recommender.load(
                dir,
                (users, items) ->
                        TabularModel.withSide(SideFeatures.of(users, items), new int[] {6}, YRange.of(0, 5.5)));
        assertEquals(
                rec.predict(ratings).doubleColumn("predicted").asList(),
                back.predict(ratings).doubleColumn("predicted").asList());
    }

    @Test
    void ioErrorsInSavingAndLoadingNameThePath(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("rec");
        Recommender.of(nn).save(dir);
        // a write that fails as a full disk does: the JDK's message names no file
        var full = new DotProduct(dls.users().size(), dls.items().size(), 2) {
            @Override
            public void save(Path file) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        String m = assertThrows(
                        IOException.class,
                        () -> Recommender.of(full, dls.users(), dls.items()).save(dir))
                .getMessage();
        assertTrue(m.startsWith("Could not save into " + dir.toAbsolutePath() + " (writing .model-new."), m);
        assertTrue(
                m.endsWith("No space left on device. Free space or fix the folder's permissions and save again;"
                        + " the current version is unchanged."),
                m);
        assertInstanceOf(EmbeddingNN.class, Recommender.load(dir).model(), "the saved model is still there");
        // a file that cannot be read (here a folder where a file should be)
        Path users = dir.resolve("model-1").resolve("users.txt");
        java.nio.file.Files.delete(users);
        java.nio.file.Files.createDirectory(users);
        String r = assertThrows(IOException.class, () -> Recommender.load(dir)).getMessage();
        assertTrue(r.startsWith("Could not read " + users + ": "), r);
        assertTrue(r.endsWith("Check the disk and the file's permissions, then load again."), r);
    }

    @Test
    void vocabulariesThatDoNotFitTheModelAreRefused() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Recommender.of(nn.model(), dls.users(), Vocab.of("title", List.of("a", "b"))));
        assertTrue(e.getMessage().contains("give the vocabularies it was trained with"), e.getMessage());
    }
}
