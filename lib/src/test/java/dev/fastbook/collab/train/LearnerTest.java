package dev.fastbook.collab.train;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.EmbeddingNN;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.YRange;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LearnerTest {
    private static final Table RATINGS = Fixtures.synthetic(120, 80, 0.5, 11);

    private static CollabDataLoaders dls() {
        return CollabDataLoaders.from(RATINGS).bs(64).seed(42).build();
    }

    private static Learner<EmbeddingDotBias> learner() {
        Tensors.seed(42);
        return CollabLearner.collabLearner(dls(), 8, YRange.of(0, 5.5));
    }

    @Test
    void aShortOneCycleRunLowersTheLossAndPrintsTheTable() {
        var learn = learner();
        double before = learn.validate();
        String out = captureStdout(() -> learn.fitOneCycle(3, 1e-2, 0.01));
        ResultsTable results = learn.results();
        assertEquals(3, results.size());
        assertTrue(results.finalValidLoss() < before * 0.8, before + " -> " + results.finalValidLoss());
        assertTrue(results.rows().get(2).trainLoss() < results.rows().get(0).trainLoss());
        assertTrue(out.startsWith("epoch     train_loss  valid_loss  time"), out);
        assertEquals(4, out.strip().split("\n").length, out);
        assertTrue(results.html().contains("<th>valid_loss</th>"));
        assertEquals(3 * learn.dls().trainBatches(), learn.recorder().lrs().size());
        assertEquals(3, learn.recorder().validLosses().size());
    }

    /** The chapter's hand-written model on create_params: direct parameters, indexed by the batch. */
    static class DotProductBias extends dev.fastbook.collab.model.Module {
        ai.djl.nn.Parameter userFactors, userBias, movieFactors, movieBias;

        DotProductBias(int nUsers, int nMovies, int nFactors) {
            userFactors = dev.fastbook.collab.model.Layers.createParams(nUsers, nFactors);
            userBias = dev.fastbook.collab.model.Layers.createParams(nUsers);
            movieFactors = dev.fastbook.collab.model.Layers.createParams(nMovies, nFactors);
            movieBias = dev.fastbook.collab.model.Layers.createParams(nMovies);
        }

        @Override
        public ai.djl.ndarray.NDArray forward(ai.djl.ndarray.NDArray x) {
            var users = x.get(":, 0");
            var movies = x.get(":, 1");
            var res = userFactors.getArray().get(users).mul(movieFactors.getArray().get(movies)).sum(new int[] {1});
            res = res.add(userBias.getArray().get(users)).add(movieBias.getArray().get(movies));
            return dev.fastbook.collab.model.Layers.sigmoidRange(res, 0, 5.5);
        }
    }

    @Test
    void aHandWrittenModelOnCreateParamsTrains() {
        Tensors.seed(3);
        var d = dls();
        var model = new DotProductBias(d.users().size(), d.items().size(), 8);
        assertEquals(4, model.parameters().size());
        var learn = new Learner<>(d, model, Loss.mse());
        double before = learn.validate();
        captureStdout(() -> learn.fitOneCycle(3, 3e-2, 0.01));
        assertTrue(learn.results().finalValidLoss() < before * 0.8, before + " -> " + learn.results().finalValidLoss());
    }

    @Test
    void aFixedSeedGivesBitIdenticalResults() {
        var a = learner();
        captureStdout(() -> a.fitOneCycle(2, 5e-3, 0.1));
        var b = learner();
        captureStdout(() -> b.fitOneCycle(2, 5e-3, 0.1));
        assertEquals(a.results().rows().get(1).validLoss(), b.results().rows().get(1).validLoss(), 0.0);
        assertArrayEquals(a.model().iWeight.weight().toFloatArray(), b.model().iWeight.weight().toFloatArray());
    }

    @Test
    void nnLearnerTrainsWithBatchNorm() {
        Tensors.seed(1);
        var learn = CollabLearner.collabLearnerNn(dls(), new int[] {16, 8}, YRange.of(0, 5.5));
        double before = learn.validate();
        captureStdout(() -> learn.fitOneCycle(2, 1e-2, 0.01));
        assertTrue(learn.results().finalValidLoss() < before, before + " -> " + learn.results().finalValidLoss());
        String decay = learn.opt().describe().toString();
        assertTrue(decay.contains("(no weight decay)"), decay);
        assertTrue(learn.model() instanceof EmbeddingNN);
    }

    @Test
    void lrFindSuggestsAndRestoresTheWeights() {
        var learn = learner();
        float[] before = learn.model().iWeight.weight().toFloatArray();
        LrFind found = learn.lrFind(1e-6, 10, 60);
        assertArrayEquals(before, learn.model().iWeight.weight().toFloatArray());
        assertEquals(0, learn.opt().steps());
        double valley = found.valleyLr();
        assertTrue(valley > 1e-6 && valley < 10, "valley " + valley);
        assertTrue(found.suggestions().keySet().containsAll(List.of("valley", "minimum", "steep")));
        assertTrue(found.toString().startsWith("SuggestedLRs(valley="), found.toString());
    }

    @Test
    void biasAndWeightLookUpByName() {
        var learn = learner();
        var m = learn.model();
        float[] b = m.itemBias(List.of("Movie 3", "Movie 7"));
        int i3 = learn.dls().items().indexOf("Movie 3");
        assertEquals(m.iBias.weight().get(i3).toFloatArray()[0], b[0]);
        assertEquals(8, m.userWeight(List.of("1"))[0].length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.userBias(List.of("No Such User")));
        assertTrue(e.getMessage().contains("validation set"), e.getMessage());
    }

    @Test
    void aYRangeThatExcludesTheRatingsIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> CollabLearner.collabLearner(dls(), 8, YRange.of(0, 4)));
        assertTrue(e.getMessage().contains("excludes ratings"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> YRange.of(3, 1));
    }

    static String captureStdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }
}
