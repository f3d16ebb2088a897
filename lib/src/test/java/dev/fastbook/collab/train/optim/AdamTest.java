package dev.fastbook.collab.train.optim;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.Layers;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.Loss;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdamTest {
    static class Quadratic extends Module {
        Parameter w = Layers.parameter(Tensors.manager().create(new float[] {1f, -2f, 3f}));
        Parameter bias = Layers.parameter(Tensors.manager().create(new float[] {0.5f}));

        @Override
        public NDArray forward(NDArray x) {
            return w.getArray().mul(x).sum().add(bias.getArray());
        }
    }

    private static void backward(Module m, float[] x) {
        try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = m.forward(Tensors.manager().create(x));
            gc.backward(out);
        }
    }

    @Test
    void twoStepsMatchAHandComputationOfFastaisAdam() {
        Quadratic m = new Quadratic();
        Adam adam = new Adam(m);
        float[] x = {2f, 3f, -1f}; // d(out)/dw = x, d(out)/dbias = 1
        double lr = 0.1, mom = 0.9, wd = 0.5;
        double[] p = {1, -2, 3};
        double[] gAvg = new double[3], s = new double[3];
        double bias = 0.5, bAvg = 0, bS = 0;
        for (int step = 1; step <= 2; step++) {
            backward(m, x);
            adam.step(lr, mom, wd);
            double d1 = 1 - Math.pow(mom, step), d2 = 1 - Math.pow(0.99, step);
            for (int i = 0; i < 3; i++) {
                p[i] *= 1 - lr * wd;
                gAvg[i] = mom * gAvg[i] + (1 - mom) * x[i];
                s[i] = 0.99 * s[i] + 0.01 * x[i] * x[i];
                p[i] -= lr / d1 * gAvg[i] / (Math.sqrt(s[i] / d2) + 1e-5);
            }
            // a parameter named `bias` is not decayed, as fastai skips `.bias`
            bAvg = mom * bAvg + (1 - mom);
            bS = 0.99 * bS + 0.01;
            bias -= lr / d1 * bAvg / (Math.sqrt(bS / d2) + 1e-5);
        }
        float[] got = m.w.getArray().toFloatArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(p[i], got[i], 1e-6, "w[" + i + "]");
        }
        assertEquals(bias, m.bias.getArray().toFloatArray()[0], 1e-6);
        assertEquals(2, adam.steps());
        assertEquals(gAvg[0], adam.state("w")[0][0], 1e-6);
        assertEquals(s[1], adam.state("w")[1][1], 1e-6);
        assertTrue(
                adam.describe().contains("bias (no weight decay)"),
                adam.describe().toString());
        // gradients were cleared after the step
        assertArrayEquals(new float[3], m.w.getArray().getGradient().toFloatArray());
    }

    // ---- helpers ------------------------------------------------------------------------------

    static final int USERS = 3000, ITEMS = 700, FACTORS = 30; // uWeight 90k weights: split over threads

    /** Adam over a model whose embeddings hand their gradients over as rows, as the Learner builds it. */
    static Adam adam(Module m, boolean lazy, int threads) {
        return new Adam(m, lazy, SparseGradients.on(m), threads);
    }

    static Adam adam(Module m, boolean lazy) {
        return adam(m, lazy, 2);
    }

    static EmbeddingDotBias model(long seed) {
        Tensors.seed(seed);
        return new EmbeddingDotBias(FACTORS, USERS, ITEMS, YRange.of(0, 5.5));
    }

    /** A batch of (user, item, rating) with repeated users and items. */
    record Rows(long[] x, float[] y) {
        Set<Integer> users() {
            Set<Integer> out = new HashSet<>();
            for (int i = 0; i < x.length; i += 2) {
                out.add((int) x[i]);
            }
            return out;
        }
    }

    static Rows batch(Random r, int n, int users, int items) {
        long[] x = new long[n * 2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = r.nextInt(users);
            x[2 * i + 1] = r.nextInt(items);
            y[i] = 1 + 4 * r.nextFloat();
        }
        x[2] = x[0]; // a duplicate user in every batch: its row gradients are summed
        if (users > 2184) {
            x[4] = 2184; // with 30 factors, this user's row spans two of the optimiser's 65,536-float chunks
        }
        return new Rows(x, y);
    }

    // Like the Learner: the batch's arrays live until after the step.
    static NDManager batchManager;

    static void backward(EmbeddingDotBias m, Rows b) {
        if (batchManager != null) {
            batchManager.close();
        }
        batchManager = Tensors.manager().newSubManager();
        try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = m.forward(batchManager.create(b.x(), new Shape(b.y().length, 2)));
            gc.backward(Loss.mse().apply(out, batchManager.create(b.y())));
        }
    }

    static boolean train(EmbeddingDotBias m, Adam adam, Rows b, double lr, double mom, double wd) {
        backward(m, b);
        boolean ok = adam.step(lr, mom, wd);
        batchManager.close();
        batchManager = null;
        return ok;
    }

    static List<float[]> weights(Module m) {
        List<float[]> out = new ArrayList<>();
        for (NDArray a : m.parameterArrays()) {
            out.add(a.toFloatArray());
        }
        return out;
    }

    static List<float[]> state(Module m, Adam adam) {
        List<float[]> out = new ArrayList<>();
        for (var p : m.parameters()) {
            float[][] st = adam.state(p.name());
            out.add(st[0]);
            out.add(st[1]);
        }
        return out;
    }

    static void assertBitIdentical(List<float[]> expected, List<float[]> actual, String what) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + " #" + i); // float equality is bitwise here
        }
    }

    static float[] row(NDArray table, int r) {
        return table.get(r).toFloatArray();
    }

    // ---- exact mode: sparse gradients, threads ----------------------------------------------

    @Test
    void embeddingRowGradientsGiveExactlyTheUpdateOfDenseGradients() {
        EmbeddingDotBias sparse = model(1), dense = model(1);
        Adam a = adam(sparse, false);
        Adam b = new Adam(dense);
        assertFalse(dense.uWeight.isSparse(), "building an optimiser leaves the model as it is");
        assertTrue(sparse.uWeight.isSparse());
        Random r1 = new Random(5), r2 = new Random(5);
        for (int step = 0; step < 4; step++) {
            assertTrue(train(sparse, a, batch(r1, 64, USERS, ITEMS), 1e-2, 0.9, 0.1));
            assertTrue(train(dense, b, batch(r2, 64, USERS, ITEMS), 1e-2, 0.9, 0.1));
        }
        assertBitIdentical(weights(dense), weights(sparse), "weights");
        assertBitIdentical(state(dense, b), state(sparse, a), "moving averages");
        // fastai's exact Adam moves rows the batches never used (momentum and decay)
        assertNotEquals(model(1).uWeight.weight().get(2999).toFloatArray()[0], row(sparse.uWeight.weight(), 2999)[0]);
    }

    @Test
    void embeddingsWhoseRowsTheOptimiserWouldNotReadAreAnError() {
        EmbeddingDotBias m = model(17);
        m.iBias.sparse(true);
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(m));
        assertTrue(e.getMessage().contains("SparseGradients.on(model)"), e.getMessage());
        EmbeddingDotBias dense = model(18);
        var lazy = assertThrows(IllegalArgumentException.class, () -> new Adam(dense, true, SparseGradients.none()));
        assertTrue(lazy.getMessage().contains("Lazy updates need"), lazy.getMessage());
    }

    @Test
    void aStepAfterTheBatchWasFreedSaysSo() {
        EmbeddingDotBias m = model(16);
        Adam adam = adam(m, false);
        backward(m, batch(new Random(1), 16, USERS, ITEMS));
        batchManager.close();
        batchManager = null;
        var e = assertThrows(IllegalStateException.class, () -> adam.step(1e-2, 0.9, 0.1));
        assertTrue(e.getMessage().contains("while the batch's NDManager is still open"), e.getMessage());
        // a batch that failed before its step is forgotten by the next forward pass
        backward(m, batch(new Random(2), 16, USERS, ITEMS));
        batchManager.close();
        assertTrue(train(m, adam, batch(new Random(3), 16, USERS, ITEMS), 1e-2, 0.9, 0.1));
        assertEquals(1, adam.steps());
    }

    @Test
    void oneAndTwoThreadsGiveBitIdenticalResults() {
        EmbeddingDotBias one = model(2), two = model(2);
        Adam a = adam(one, false, 1), b = adam(two, false, 2);
        Random r1 = new Random(6), r2 = new Random(6);
        for (int step = 0; step < 3; step++) {
            train(one, a, batch(r1, 256, USERS, ITEMS), 5e-3, 0.9, 0.1);
            train(two, b, batch(r2, 256, USERS, ITEMS), 5e-3, 0.9, 0.1);
        }
        assertBitIdentical(weights(one), weights(two), "weights");
        assertBitIdentical(state(one, a), state(two, b), "moving averages");
    }

    @Test
    void anInterruptedThreadStillTakesTheWholeStepAndKeepsItsInterrupt() {
        // Kernel > Interrupt interrupts the training thread while the step's parts run on two threads; whether
        // the other thread's part is still running then is up to timing, so several steps are tried.
        EmbeddingDotBias calm = model(2), interrupted = model(2);
        Adam a = adam(calm, false, 2), b = adam(interrupted, false, 2);
        Random r1 = new Random(6), r2 = new Random(6);
        for (int step = 0; step < 20; step++) {
            assertTrue(train(calm, a, batch(r1, 256, USERS, ITEMS), 5e-3, 0.9, 0.1));
            boolean ok;
            try {
                backward(interrupted, batch(r2, 256, USERS, ITEMS));
                Thread.currentThread().interrupt();
                ok = b.step(5e-3, 0.9, 0.1);
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the learner");
            } finally {
                Thread.interrupted();
                batchManager.close();
                batchManager = null;
            }
            assertTrue(ok);
        }
        assertBitIdentical(weights(calm), weights(interrupted), "weights");
        assertBitIdentical(state(calm, a), state(interrupted, b), "moving averages");
    }

    // ---- refusal (issue 9) ------------------------------------------------------------------

    private static void assertRefusedAndUnchanged(Module m, Adam adam, Runnable backwardPass, double lr, double wd) {
        assertRefusedAndUnchanged(m, adam, backwardPass, lr, wd, "");
    }

    private static void assertRefusedAndUnchanged(
            Module m, Adam adam, Runnable backwardPass, double lr, double wd, String what) {
        List<float[]> w0 = weights(m);
        List<float[]> s0 = new ArrayList<>();
        for (var p : m.parameters()) {
            s0.add(adam.state(p.name())[0]);
            s0.add(adam.state(p.name())[1]);
        }
        long steps = adam.steps();
        backwardPass.run();
        assertFalse(adam.step(lr, 0.9, wd), "a step to non-finite values must be refused " + what);
        assertBitIdentical(w0, weights(m), "weights after a refused step");
        List<float[]> s1 = new ArrayList<>();
        for (var p : m.parameters()) {
            s1.add(adam.state(p.name())[0]);
            s1.add(adam.state(p.name())[1]);
        }
        assertBitIdentical(s0, s1, "moving averages after a refused step");
        assertEquals(steps, adam.steps(), "a refused step does not count");
    }

    @Test
    void aNaNGradientIsRefusedLeavingWeightsAndStateAsTheyWere() {
        for (boolean lazy : new boolean[] {false, true}) {
            EmbeddingDotBias m = model(3);
            Adam adam = adam(m, lazy);
            Random r = new Random(7);
            assertTrue(train(m, adam, batch(r, 128, USERS, ITEMS), 5e-3, 0.9, 0.1));
            Rows bad = batch(r, 128, USERS, ITEMS);
            bad.y()[3] = Float.NaN;
            assertRefusedAndUnchanged(m, adam, () -> backward(m, bad), 5e-3, 0.1);
            // the failed batch left nothing behind: the next good step is an ordinary one
            assertTrue(train(m, adam, batch(r, 128, USERS, ITEMS), 5e-3, 0.9, 0.1), "lazy=" + lazy);
            assertEquals(2, adam.steps());
        }
    }

    @Test
    void aLearningRateThatOverflowsTheWeightsIsRefused() {
        for (boolean lazy : new boolean[] {false, true}) {
            EmbeddingDotBias m = model(4);
            Adam adam = adam(m, lazy);
            Random r = new Random(8);
            assertTrue(train(m, adam, batch(r, 128, USERS, ITEMS), 5e-3, 0.9, 0.1));
            Rows next = batch(r, 128, USERS, ITEMS);
            assertRefusedAndUnchanged(m, adam, () -> backward(m, next), 1e38, 0, "lazy=" + lazy);
            Rows again = batch(r, 128, USERS, ITEMS);
            assertRefusedAndUnchanged(m, adam, () -> backward(m, again), 1e-2, -1e42, "wd lazy=" + lazy);
        }
    }

    @Test
    void aDenseParameterWithANaNGradientIsRefusedAndItsGradientCleared() {
        Quadratic m = new Quadratic();
        Adam adam = new Adam(m);
        backward(m, new float[] {2f, 3f, -1f});
        assertTrue(adam.step(0.1, 0.9, 0.5));
        assertRefusedAndUnchanged(m, adam, () -> backward(m, new float[] {Float.NaN, 1f, 1f}), 0.1, 0.5);
        assertArrayEquals(new float[3], m.w.getArray().getGradient().toFloatArray());
    }

    // ---- lazy mode ----------------------------------------------------------------------------

    @Test
    void lazyAndExactAgreeOnTheFirstStepWithNoWeightDecay() {
        // Exact mode moves a row the batch did not use by -lr' * mom*g_avg / (sqrt(sqr_mom*s/..)+eps)
        // and decays it by 1 - lr*wd: both vanish when wd = 0 and its moving averages are zero,
        // which holds for every row on the first step, whatever the momentum.
        EmbeddingDotBias exact = model(9), lazy = model(9);
        Adam a = adam(exact, false), b = adam(lazy, true);
        Rows first = batch(new Random(10), 256, USERS, ITEMS);
        train(exact, a, first, 1e-2, 0.9, 0);
        train(lazy, b, first, 1e-2, 0.9, 0);
        assertBitIdentical(weights(exact), weights(lazy), "weights after one step");
        assertBitIdentical(state(exact, a), state(lazy, b), "moving averages after one step");
        // With momentum 0 as well, a skipped row's g_avg is zeroed, so its weight stays put in
        // exact mode too; its s still shrinks, so the weights agree until a row comes back after
        // a step it skipped.
        Rows second = batch(new Random(11), 256, USERS, ITEMS);
        train(exact, a, second, 1e-2, 0, 0);
        train(lazy, b, second, 1e-2, 0, 0);
        assertBitIdentical(weights(exact), weights(lazy), "weights after a second step with mom 0 and wd 0");
    }

    @Test
    void lazyModeNeverChangesRowsNoBatchUsed() {
        EmbeddingDotBias m = model(12);
        float[] before = m.uWeight.weight().toFloatArray();
        Adam adam = adam(m, true);
        assertTrue(adam.isLazy());
        Random r = new Random(13);
        Set<Integer> used = new HashSet<>();
        for (int step = 0; step < 5; step++) {
            Rows b = batch(r, 64, 1000, ITEMS); // users 1000.. never appear
            used.addAll(b.users());
            assertTrue(train(m, adam, b, 1e-2, 0.9, 0.1));
        }
        float[] after = m.uWeight.weight().toFloatArray();
        int changed = 0;
        for (int u = 0; u < USERS; u++) {
            boolean same = true;
            for (int j = 0; j < FACTORS; j++) {
                same &= Float.floatToIntBits(before[u * FACTORS + j]) == Float.floatToIntBits(after[u * FACTORS + j]);
            }
            if (used.contains(u)) {
                changed += same ? 0 : 1;
            } else {
                assertTrue(same, "user " + u + " was never in a batch but changed");
            }
        }
        assertEquals(used.size(), changed, "every used row moves");
        assertEquals(0f, adam.state("uWeight_weight")[0][2500 * FACTORS], "no moving average for an unused row");
    }

    // ---- the tensor-op path (GPU-ready), checked on the CPU ---------------------------------

    @Test
    void tensorPathAgreesWithTheJavaPathOverTenSteps() {
        for (boolean lazy : new boolean[] {false, true}) {
            EmbeddingDotBias fast = model(14), ops = model(14);
            Adam a = adam(fast, lazy), b = adam(ops, lazy);
            b.forceTensorPath = true;
            Random r1 = new Random(15), r2 = new Random(15);
            int arrays = 0;
            for (int step = 0; step < 10; step++) {
                double mom = step < 5 ? 0.95 : 0.85;
                assertTrue(train(fast, a, batch(r1, 128, USERS, ITEMS), 1e-2, mom, 0.1));
                assertTrue(train(ops, b, batch(r2, 128, USERS, ITEMS), 1e-2, mom, 0.1));
                if (step == 1) {
                    arrays = Tensors.manager().getManagedArrays().size();
                }
            }
            assertEquals(arrays, Tensors.manager().getManagedArrays().size(), "the tensor path frees its temporaries");
            List<float[]> wa = weights(fast), wb = weights(ops);
            List<float[]> sa = state(fast, a), sb = state(ops, b);
            for (int i = 0; i < wa.size(); i++) {
                assertArrayEquals(wa.get(i), wb.get(i), 1e-6f, "weights #" + i + " lazy=" + lazy);
                assertArrayEquals(sa.get(2 * i), sb.get(2 * i), 1e-6f, "g_avg #" + i);
                assertArrayEquals(sa.get(2 * i + 1), sb.get(2 * i + 1), 1e-6f, "s #" + i);
            }
            // and it refuses the same way
            Rows bad = batch(r2, 64, USERS, ITEMS);
            bad.y()[0] = Float.NaN;
            assertRefusedAndUnchanged(ops, b, () -> backward(ops, bad), 1e-2, 0.1);
        }
        Quadratic q = new Quadratic(), p = new Quadratic();
        Adam a = new Adam(q), b = new Adam(p);
        b.forceTensorPath = true;
        for (int step = 0; step < 10; step++) {
            backward(q, new float[] {2f, 3f, -1f});
            backward(p, new float[] {2f, 3f, -1f});
            a.step(0.1, 0.9, 0.5);
            b.step(0.1, 0.9, 0.5);
        }
        assertArrayEquals(q.w.getArray().toFloatArray(), p.w.getArray().toFloatArray(), 1e-6f);
        assertArrayEquals(q.bias.getArray().toFloatArray(), p.bias.getArray().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[3], p.w.getArray().getGradient().toFloatArray(), "tensor path clears gradients");
    }
}
