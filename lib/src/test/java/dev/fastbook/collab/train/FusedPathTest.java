package dev.fastbook.collab.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** The fused path (train.fused) against the DJL path, the reference, and against itself. */
class FusedPathTest {
    private static final Table RATINGS = Fixtures.synthetic(150, 90, 0.5, 5);
    /** Per-batch losses and final weights agree to this (float rounding of sums in another order). */
    static final double TOLERANCE = 1e-5;

    private static Learner<CollabDataLoaders, EmbeddingDotBias> learner(boolean fused, int threads) {
        Tensors.seed(42);
        CollabDataLoaders dls = CollabDataLoaders.from(RATINGS).bs(64).seed(42).build();
        Learner<CollabDataLoaders, EmbeddingDotBias> learn = CollabLearner.collabLearner(dls, 16, YRange.of(0, 5.5))
                .fused(fused)
                .quiet();
        learn.fusedChoice.threads = threads;
        return learn;
    }

    private static List<float[]> weights(Learner<?, ?> learn) {
        return BufferSnapshot.weights(learn.model());
    }

    @Test
    void theFusedPathTrainsAsTheDjlPathDoes() {
        var djl = learner(false, 1);
        var fused = learner(true, 1);
        assertEquals("fused", learner(true, 1).trainingPath());
        assertTrue(djl.trainingPath().startsWith("DJL: learn.fused(false)"), djl.trainingPath());
        djl.fitOneCycle(3, 5e-3, 0.1);
        fused.fitOneCycle(3, 5e-3, 0.1);
        List<Double> a = djl.recorder().losses(), b = fused.recorder().losses();
        assertEquals(a.size(), b.size());
        assertTrue(a.size() > 30, "batches: " + a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i), b.get(i), TOLERANCE, "loss of batch " + i);
        }
        assertEquals(djl.results().finalValidLoss(), fused.results().finalValidLoss(), TOLERANCE);
        assertEquals(djl.opt().steps(), fused.opt().steps());
        List<float[]> wa = weights(djl), wb = weights(fused);
        double maxDiff = 0;
        for (int p = 0; p < wa.size(); p++) {
            for (int k = 0; k < wa.get(p).length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(wa.get(p)[k] - wb.get(p)[k]));
            }
        }
        assertTrue(maxDiff < TOLERANCE, "largest weight difference " + maxDiff);
        // the optimiser's state came back too: a second fit on DJL continues from the same point
        for (String name : List.of("uWeight_weight", "iWeight_weight", "uBias_weight", "iBias_weight")) {
            float[][] sa = djl.opt().state(name), sb = fused.opt().state(name);
            for (int k = 0; k < sa[0].length; k++) {
                assertEquals(sa[0][k], sb[0][k], TOLERANCE, name + " gradAvg " + k);
                assertEquals(sa[1][k], sb[1][k], TOLERANCE, name + " sqrAvg " + k);
            }
        }
        double maxLoss = 0;
        for (int i = 0; i < a.size(); i++) {
            maxLoss = Math.max(maxLoss, Math.abs(a.get(i) - b.get(i)));
        }
        System.out.printf(
                "fused vs DJL: largest batch-loss difference %.2e, largest weight difference %.2e%n", maxLoss, maxDiff);
        assertTrue(
                fused.results().finalValidLoss() < 1.5,
                "it learned: " + fused.results().finalValidLoss());
    }

    @Test
    void aNonFiniteLossStopsBothPathsAtTheSameBatchWithTheWeightsFromBeforeIt() {
        TrainingDivergedException[] errors = new TrainingDivergedException[2];
        List<List<float[]>> after = new java.util.ArrayList<>();
        for (boolean fused : new boolean[] {false, true}) {
            var learn = learner(fused, 2);
            float[] w = learn.model().uWeight.weight().toFloatArray();
            w[5 * 16 + 3] = Float.NaN; // user row 5: the first batch with that user gives a NaN loss
            Tensors.copyInto(
                    Tensors.manager().create(w, learn.model().uWeight.weight().getShape()),
                    learn.model().uWeight.weight());
            errors[fused ? 1 : 0] =
                    assertThrows(TrainingDivergedException.class, () -> learn.fitOneCycle(2, 5e-3, 0.1));
            after.add(weights(learn));
            assertEquals(errors[0].batch(), errors[fused ? 1 : 0].batch());
            assertEquals(errors[0].getMessage(), errors[fused ? 1 : 0].getMessage());
        }
        assertTrue(errors[1].getMessage().contains("NaN"), errors[1].getMessage());
        for (int p = 0; p < after.get(0).size(); p++) {
            float[] a = after.get(0).get(p), b = after.get(1).get(p);
            for (int k = 0; k < a.length; k++) {
                assertEquals(a[k], b[k], TOLERANCE, "parameter " + p + " element " + k); // NaN matches NaN
            }
        }
    }

    @Test
    void seededFusedRunsAreBitIdenticalOnOneOrTwoThreads() {
        var one = learner(true, 1);
        var again = learner(true, 1);
        var two = learner(true, 2);
        one.fitOneCycle(2, 5e-3, 0.1);
        again.fitOneCycle(2, 5e-3, 0.1);
        two.fitOneCycle(2, 5e-3, 0.1);
        assertEquals(one.recorder().losses(), again.recorder().losses());
        assertEquals(one.recorder().losses(), two.recorder().losses());
        List<float[]> w1 = weights(one), w2 = weights(again), w3 = weights(two);
        for (int p = 0; p < w1.size(); p++) {
            assertArrayEquals(w1.get(p), w2.get(p), "run to run, parameter " + p);
            assertArrayEquals(w1.get(p), w3.get(p), "1 vs 2 threads, parameter " + p);
        }
    }

    @Test
    void aCallbackThatReadsTensorsKeepsTheDjlPath() {
        var auto = learner(true, 1);
        auto.fused(false);
        Callback readsPred = new Callback() {
            @Override
            public void afterPred(Learner<?, ?> learn) {
                assertNotNull(learn.pred());
            }
        };
        Learner<CollabDataLoaders, EmbeddingDotBias> learn = learner(true, 1);
        var err = assertThrows(IllegalStateException.class, () -> learn.fitOneCycle(1, 5e-3, 0.1, readsPred));
        assertTrue(err.getMessage().contains("needs tensors"), err.getMessage());
        // unset: the fit takes the DJL path for this callback, and the fused one without it
        Tensors.seed(42);
        var unset = CollabLearner.collabLearner(
                        CollabDataLoaders.from(RATINGS).bs(64).seed(42).build(), 16, YRange.of(0, 5.5))
                .quiet();
        assertEquals("fused", unset.trainingPath());
        unset.fitOneCycle(1, 5e-3, 0.1, readsPred);
        assertEquals(unset.dls().train().size(), unset.opt().steps());
    }
}
