package dev.fastbook.collab.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.EmbeddingNN;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.optim.Adam;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class LearnerTest {
    private static final Table RATINGS = Fixtures.synthetic(120, 80, 0.5, 11);

    private static CollabDataLoaders dls() {
        return CollabDataLoaders.from(RATINGS).bs(64).seed(42).build();
    }

    private static Learner<CollabDataLoaders, EmbeddingDotBias> learner() {
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
        assertEquals(3 * learn.dls().train().size(), learn.recorder().lrs().size());
        assertEquals(3, learn.recorder().validLosses().size());
    }

    @Test
    void aQuietLearnerPrintsNothingButKeepsItsResults() {
        var learn = learner().quiet();
        String out = captureStdout(() -> learn.fitOneCycle(2, 1e-2, 0.01));
        assertEquals("", out);
        assertEquals(2, learn.results().size());
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
            var res = userFactors
                    .getArray()
                    .get(users)
                    .mul(movieFactors.getArray().get(movies))
                    .sum(new int[] {1});
            res = res.add(userBias.getArray().get(users))
                    .add(movieBias.getArray().get(movies));
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
        assertTrue(
                learn.results().finalValidLoss() < before * 0.8,
                before + " -> " + learn.results().finalValidLoss());
    }

    @Test
    void aFixedSeedGivesBitIdenticalResults() {
        var a = learner();
        captureStdout(() -> a.fitOneCycle(2, 5e-3, 0.1));
        var b = learner();
        captureStdout(() -> b.fitOneCycle(2, 5e-3, 0.1));
        assertEquals(
                a.results().rows().get(1).validLoss(), b.results().rows().get(1).validLoss(), 0.0);
        assertArrayEquals(
                a.model().iWeight.weight().toFloatArray(),
                b.model().iWeight.weight().toFloatArray());
    }

    @Test
    void nnLearnerTrainsWithBatchNorm() {
        Tensors.seed(1);
        var learn = CollabLearner.collabLearnerNn(dls(), new int[] {16, 8}, YRange.of(0, 5.5));
        double before = learn.validate();
        captureStdout(() -> learn.fitOneCycle(2, 1e-2, 0.01));
        assertTrue(
                learn.results().finalValidLoss() < before,
                before + " -> " + learn.results().finalValidLoss());
        String decay = learn.opt().describe().toString();
        assertTrue(decay.contains("(no weight decay)"), decay);
        assertTrue(learn.model() instanceof EmbeddingNN);
    }

    @Test
    void lrFindSuggestsAndRestoresTheWeights() {
        var learn = learner();
        float[] before = learn.model().iWeight.weight().toFloatArray();
        SuggestedLRs found = learn.lrFind(1e-6, 10, 60);
        assertArrayEquals(before, learn.model().iWeight.weight().toFloatArray());
        assertEquals(0, learn.opt().steps());
        // what the suggestions are is LRFinderTest's job, on a curve with known answers
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
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> m.userBias(List.of("No Such User")));
        assertTrue(e.getMessage().contains("validation set"), e.getMessage());
    }

    @Test
    void aYRangeThatExcludesTheRatingsIsRejected() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> CollabLearner.collabLearner(dls(), 8, YRange.of(0, 4)));
        assertTrue(e.getMessage().contains("excludes ratings"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> YRange.of(3, 1));
        // the advice itself must contain the data: ratings from -1 are not inside "(0, 5.5)"
        var negative = tech.tablesaw.api.Table.create(
                "r",
                tech.tablesaw.api.IntColumn.create("user", 1, 2, 3, 1, 2, 3, 1, 2, 3, 4),
                tech.tablesaw.api.IntColumn.create("movie", 1, 1, 1, 2, 2, 2, 3, 3, 3, 4),
                tech.tablesaw.api.DoubleColumn.create("rating", -1, 0, 1, 2, 3, -1, 0, 1, 2, 3));
        var few = dev.fastbook.collab.data.CollabDataLoaders.from(negative)
                .bs(2)
                .seed(1)
                .build();
        String advice = assertThrows(
                        IllegalArgumentException.class, () -> CollabLearner.collabLearner(few, 4, YRange.of(0, 5.5)))
                .getMessage();
        YRange suggested = YRange.containing(-1, 3);
        assertTrue(suggested.contains(-1, 3) && advice.contains(suggested.toString()), advice);
    }

    // ---- bad settings are refused before a weight moves ------------------------------------

    private static List<float[]> weights(Learner<?, ?> learn) {
        return learn.model().parameterArrays().stream()
                .map(a -> a.toFloatArray())
                .toList();
    }

    private static void assertSameWeights(List<float[]> expected, Learner<?, ?> learn) {
        List<float[]> now = weights(learn);
        assertEquals(expected.size(), now.size());
        for (int i = 0; i < now.size(); i++) {
            assertArrayEquals(expected.get(i), now.get(i));
        }
    }

    private static void assertFiniteWeights(Learner<?, ?> learn) {
        for (float[] w : weights(learn)) {
            for (float v : w) {
                assertTrue(Float.isFinite(v), "a weight is " + v);
            }
        }
    }

    private static String refused(Learner<?, ?> learn, Runnable fit) {
        List<float[]> before = weights(learn);
        var e = assertThrows(IllegalArgumentException.class, fit::run);
        assertSameWeights(before, learn);
        assertEquals(0, learn.opt().steps());
        return e.getMessage();
    }

    @Test
    void aNegativeOrZeroLearningRateIsRefused() {
        var learn = learner();
        String m = refused(learn, () -> learn.fit(1, -1e-3));
        assertTrue(m.contains("lr must be positive, got -0.001"), m);
        assertTrue(refused(learn, () -> learn.fitOneCycle(1, 0, 0.1)).contains("lrMax must be positive"));
    }

    @Test
    void nanInfiniteAndHugeLearningRatesAreRefusedWithTheRightWords() {
        var learn = learner();
        String nan = refused(learn, () -> learn.fitOneCycle(1, Double.NaN));
        assertTrue(nan.contains("lrMax is NaN"), nan);
        String inf = refused(learn, () -> learn.fit(1, Double.POSITIVE_INFINITY));
        assertTrue(inf.contains("lr is infinite") && !inf.contains("NaN"), inf);
        String huge = refused(learn, () -> learn.fitOneCycle(1, 1e6, 0.1));
        assertTrue(huge.contains("lrMax 1e+06 is above 10"), huge);
        assertTrue(Double.isFinite(learn.validate()));
    }

    @Test
    void badWeightDecayAndEpochsAreRefused() {
        var learn = learner();
        String neg = refused(learn, () -> learn.fitOneCycle(1, 5e-3, -100));
        assertTrue(neg.contains("wd must be a finite number of 0 or more, got -100"), neg);
        assertTrue(refused(learn, () -> learn.fit(1, 5e-3, Double.NaN)).contains("got NaN"));
        // lr * wd >= 1 flips the weights' sign: a large wd is blamed on wd, a large lr on lr
        String bigWd = refused(learn, () -> learn.fitOneCycle(1, 1e-3, 2000));
        assertTrue(
                bigWd.startsWith("wd 2000 with lrMax 0.001 makes lr * wd = 2")
                        && bigWd.contains("flips their sign")
                        && bigWd.contains("Lower wd below 1/lrMax = 1000"),
                bigWd);
        String bigLr = refused(learn, () -> learn.fit(1, 5, 0.5));
        assertTrue(bigLr.startsWith("lr 5 with wd 0.5") && bigLr.contains("Lower lr below 1/wd = 2"), bigLr);
        assertTrue(refused(learn, () -> learn.fit(0, 5e-3)).contains("epochs must be at least 1, got 0"));
        assertThrows(IllegalArgumentException.class, () -> learn.wd(-1));
        assertThrows(IllegalArgumentException.class, () -> learn.lrFind(1e-3, 1e-5, 10));
    }

    /** MSE, except that one training batch's loss is NaN; it records the weights it saw then. */
    private static final class NanOnce implements Loss {
        final int at;
        int trainingCalls;
        Learner<?, ?> learn;
        List<float[]> weightsBeforeFailingBatch;

        NanOnce(int at) {
            this.at = at;
        }

        @Override
        public ai.djl.ndarray.NDArray apply(ai.djl.ndarray.NDArray p, ai.djl.ndarray.NDArray y) {
            ai.djl.ndarray.NDArray l = Loss.mse().apply(p, y);
            if (learn.model().isTraining() && ++trainingCalls == at) {
                weightsBeforeFailingBatch = weights(learn);
                return l.mul(Tensors.constant(Float.NaN));
            }
            return l;
        }
    }

    @Test
    void aDivergenceMidFitKeepsTheWeightsFromBeforeTheFailingBatch() {
        Tensors.seed(42);
        var d = dls();
        NanOnce loss = new NanOnce(d.train().size() + 5); // batch 5 of the second epoch
        var learn = new Learner<>(
                d,
                dev.fastbook.collab.model.EmbeddingDotBias.fromClasses(8, d.users(), d.items(), YRange.of(0, 5.5)),
                loss);
        loss.learn = learn;
        var e = assertThrows(
                TrainingDivergedException.class, () -> captureStdout(() -> learn.fitOneCycle(3, 5e-3, 0.1)));
        assertTrue(
                e.getMessage()
                        .startsWith("Training diverged in epoch 2 of 3, batch 5 of "
                                + d.train().size()),
                e.getMessage());
        assertTrue(
                e.getMessage().contains("the loss became NaN")
                        && e.getMessage().contains("Lower the learning rate (lrMax 0.005)"),
                e.getMessage());
        assertEquals(1, e.epoch());
        assertEquals(4, e.batch());
        assertSameWeights(loss.weightsBeforeFailingBatch, learn);
        assertEquals(d.train().size() + 4, learn.opt().steps());
        double valid = learn.validate();
        assertTrue(Double.isFinite(valid), "valid " + valid);
        assertTrue(learn.toString().contains("diverged in epoch 2"), learn.toString());
        // nothing of the failed batch is left behind (no gradient): training goes on from there
        captureStdout(() -> learn.fit(1, 1e-3, 0.1));
        assertFiniteWeights(learn);
        assertTrue(
                learn.results().finalValidLoss() <= valid * 1.05,
                valid + " -> " + learn.results().finalValidLoss());
    }

    /** MSE, and in one training batch an interrupt of the fitting thread, as Kernel > Interrupt does. */
    private static final class InterruptOnce implements Loss {
        final int at;
        int trainingCalls;
        Learner<?, ?> learn;

        InterruptOnce(int at) {
            this.at = at;
        }

        @Override
        public ai.djl.ndarray.NDArray apply(ai.djl.ndarray.NDArray p, ai.djl.ndarray.NDArray y) {
            if (learn.model().isTraining() && ++trainingCalls == at) {
                Thread.currentThread().interrupt();
            }
            return Loss.mse().apply(p, y);
        }
    }

    @Test
    void anInterruptEndsTheFitBeforeTheNextBatchWithTheWeightsOfTheLastCompletedOne() {
        var d = dls();
        int at = d.train().size() + 5; // batch 5 of the second epoch
        // The same fit on the same seed records the weights the interrupted one must end with: those
        // seen by batch 6's forward pass, that is, after batch 5's step.
        Tensors.seed(42);
        NanOnce reference = new NanOnce(at + 1);
        var ref = new Learner<>(d, EmbeddingDotBias.fromClasses(8, d.users(), d.items(), YRange.of(0, 5.5)), reference);
        reference.learn = ref;
        assertThrows(TrainingDivergedException.class, () -> captureStdout(() -> ref.fitOneCycle(3, 5e-3, 0.1)));

        Tensors.seed(42);
        var d2 = dls(); // a fresh loader: the same batch order as the reference's
        InterruptOnce loss = new InterruptOnce(at);
        var learn = new Learner<>(d2, EmbeddingDotBias.fromClasses(8, d2.users(), d2.items(), YRange.of(0, 5.5)), loss);
        loss.learn = learn;
        CancellationException e;
        try {
            e = assertThrows(CancellationException.class, () -> captureStdout(() -> learn.fitOneCycle(3, 5e-3, 0.1)));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is left for the caller to see");
        } finally {
            Thread.interrupted();
        }
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "Training interrupted in epoch 2 of 3, batch 6 of "
                                        + d.train().size()
                                        + ", before that batch ran. The weights and optimiser state are those after the last completed batch"),
                e.getMessage());
        assertEquals(at, learn.opt().steps());
        assertSameWeights(reference.weightsBeforeFailingBatch, learn);
        assertEquals(1, learn.results().size(), "the first epoch's row, which finished");
        assertTrue(learn.toString().contains("interrupted after 1 of 3 epochs"), learn.toString());
        // The learner is whole: it validates and trains on.
        assertTrue(Double.isFinite(learn.validate()));
        captureStdout(() -> learn.fit(1, 1e-3, 0.1));
        assertEquals(1, learn.results().size());
        assertFiniteWeights(learn);
    }

    /** A model whose output turns NaN in one training batch; it records its state just before. */
    static final class NanInForward extends dev.fastbook.collab.model.Module {
        final EmbeddingNN inner;
        private final int at;
        private int trainingCalls;
        private List<float[]> before;

        NanInForward(EmbeddingNN inner, int at) {
            this.inner = inner;
            this.at = at;
        }

        @Override
        public ai.djl.ndarray.NDArray forward(ai.djl.ndarray.NDArray x) {
            if (isTraining() && ++trainingCalls == at) {
                before = parameterArrays().stream().map(a -> a.toFloatArray()).toList();
                return inner.forward(x).mul(Tensors.constant(Float.NaN));
            }
            return inner.forward(x);
        }
    }

    @Test
    void aDivergenceAlsoPutsBatchNormsRunningStatisticsBack() {
        Tensors.seed(1);
        var d = dls();
        var model =
                new NanInForward(new EmbeddingNN(CollabLearner.getEmbSz(d), new int[] {16, 8}, YRange.of(0, 5.5)), 7);
        var learn = new Learner<>(d, model, Loss.mse());
        assertTrue(
                model.parameters().stream().anyMatch(p -> !p.parameter().requiresGradient()), "has running statistics");
        var e = assertThrows(TrainingDivergedException.class, () -> captureStdout(() -> learn.fit(1, 1e-3)));
        assertEquals(6, e.batch());
        assertSameWeights(model.before, learn); // BatchNorm moved its statistics in the failing forward pass
        assertTrue(Double.isFinite(learn.validate()));
    }

    @Test
    void theLargestLearningRateAllowedNeverLeavesNanWeights() {
        for (double lr : new double[] {1, 10}) {
            var learn = learner();
            try {
                captureStdout(() -> learn.fit(1, lr, 0));
            } catch (TrainingDivergedException diverged) {
                assertTrue(diverged.getMessage().contains("Lower the learning rate"), diverged.getMessage());
            }
            assertFiniteWeights(learn);
            assertTrue(Double.isFinite(learn.validate()));
        }
    }

    // Adam's side of the contract (issue 9): a step that would make a weight non-finite is refused.
    private static boolean adamRefusesNonFiniteSteps() {
        var m = new DotProductBias(3, 3, 2);
        var adam = new Adam(m);
        try (var gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
            var w = m.userBias.getArray();
            gc.backward(w.sub(w).sqrt().sum()); // d sqrt(x)/dx at 0 is infinite: a NaN gradient
        }
        return !adam.step(1e-3, 0.9, 0.01);
    }

    @Test
    void adamRefusesAStepWithANonFiniteGradient() {
        assertTrue(adamRefusesNonFiniteSteps(), "Adam took a step from a NaN gradient instead of refusing it");
    }

    @Test
    void aStepAdamRefusesStopsTrainingWithTheWeightsKept() {
        var learn = learner();
        captureStdout(() -> learn.fit(1, 1e-3, 0.1));
        List<float[]> before = weights(learn);
        long steps = learn.opt().steps();
        // a finite loss whose gradient is NaN
        var nanGrad = new Learner<>(
                learn.dls(),
                learn.model(),
                (p, y) -> Loss.mse().apply(p, y).add(p.sub(p).sqrt().sum()));
        var e = assertThrows(TrainingDivergedException.class, () -> captureStdout(() -> nanGrad.fit(1, 1e-3, 0.1)));
        assertTrue(e.getMessage().contains("optimiser step would have made"), e.getMessage());
        assertSameWeights(before, learn);
        assertEquals(0, nanGrad.opt().steps());
        assertTrue(steps > 0 && Double.isFinite(learn.validate()));
    }

    @Test
    void lrFindStopsAtDivergenceAndRestoresEverything() {
        Tensors.seed(1);
        var learn = CollabLearner.collabLearnerNn(dls(), new int[] {16, 8}, YRange.of(0, 5.5));
        captureStdout(() -> learn.fit(1, 1e-3));
        List<float[]> before = weights(learn); // with BatchNorm's running statistics
        float[][] state = learn.opt().state(learn.opt().describe().get(0).split(" ")[0]);
        long steps = learn.opt().steps();
        SuggestedLRs found = learn.lrFind(1e-5, 10, 200);
        assertTrue(found.toString().startsWith("SuggestedLRs"));
        assertSameWeights(before, learn);
        float[][] after = learn.opt().state(learn.opt().describe().get(0).split(" ")[0]);
        assertArrayEquals(state[0], after[0]);
        assertArrayEquals(state[1], after[1]);
        assertEquals(steps, learn.opt().steps());
    }

    @Test
    void toStringTellsAJshellUserWhatTheLearnerIs() {
        var learn = learner();
        String fresh = learn.toString();
        assertTrue(fresh.startsWith("Learner(model: EmbeddingDotBias, data: CollabDataLoaders(user: "), fresh);
        assertTrue(
                fresh.contains("loss: MSELossFlat()")
                        && fresh.contains("wd: 0.01")
                        && fresh.contains("epochs trained: 0")
                        && fresh.contains("not trained yet"),
                fresh);
        captureStdout(() -> learn.fitOneCycle(2, 5e-3, 0.1));
        String trained = learn.toString();
        assertTrue(
                trained.contains("epochs trained: 2")
                        && trained.contains("last fit: fit 2 epochs at lrMax 0.005, wd 0.1, valid_loss "),
                trained);
        String custom = new Learner<>(
                        learn.dls(), learn.model(), (p, y) -> p.sub(y).abs().mean())
                .toString();
        assertTrue(custom.contains("loss: custom loss"), custom);
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
