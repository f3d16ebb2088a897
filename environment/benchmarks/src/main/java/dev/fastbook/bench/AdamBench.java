package dev.fastbook.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.Loss;
import dev.fastbook.collab.train.optim.Adam;
import dev.fastbook.collab.train.optim.SparseGradients;
import java.util.Locale;
import java.util.Random;

/**
 * Micro benchmark of the optimiser at the ML-25M shape (162,542 x 59,048, 50 factors: 11.3M
 * weights), bs 4096, random index pairs: the time of forward+backward and of the step, per step
 * (wall, and CPU of the calling thread), and the epoch estimate (4,883 steps: 20M training
 * ratings / 4096). Arguments: {@code [steps=40] [exact|lazy] [threads=2]}.
 *
 * <p>Run: {@code environment/bench --main AdamBench 300 exact 2}.
 */
public final class AdamBench {
    static final int STEPS_PER_EPOCH = 4883;

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        String mode = args.length > 1 ? args[1] : "exact";
        Tensors.seed(42);
        EmbeddingDotBias model = new EmbeddingDotBias(50, 162542, 59048, YRange.of(0, 5.5));
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Adam adam = new Adam(model, mode.equals("lazy"), SparseGradients.on(model), threads);
        Random r = new Random(1);
        int bs = 4096;
        long fb = 0, st = 0, stCpu = 0;
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int s = -5; s < steps; s++) {
            try (NDManager bm = Tensors.manager().newSubManager();
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                int[] x = new int[bs * 2];
                float[] y = new float[bs];
                for (int i = 0; i < bs; i++) {
                    x[2 * i] = r.nextInt(162542);
                    x[2 * i + 1] = r.nextInt(59048);
                    y[i] = 0.5f + 4.5f * r.nextFloat();
                }
                long t0 = System.nanoTime();
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray xs = bm.create(x, new ai.djl.ndarray.types.Shape(bs, 2))
                            .toType(ai.djl.ndarray.types.DataType.INT64, false);
                    NDArray l = Loss.mse().apply(model.forward(xs), bm.create(y));
                    gc.backward(l);
                    l.toFloatArray();
                }
                long t1 = System.nanoTime();
                long c1 = mx.getCurrentThreadCpuTime();
                adam.step(5e-3, 0.9, 0.1);
                long t2 = System.nanoTime();
                long c2 = mx.getCurrentThreadCpuTime();
                if (s >= 0) {
                    fb += t1 - t0;
                    st += t2 - t1;
                    stCpu += c2 - c1;
                }
            }
        }
        double fbMs = fb / 1e6 / steps, stMs = st / 1e6 / steps;
        System.out.printf(
                Locale.ROOT,
                "RESULT mode=%s threads=%d steps=%d fwd_bwd_ms=%.2f step_ms=%.2f step_cpu_ms_main_thread=%.2f epoch_s=%.1f (step part %.1f)%n",
                mode,
                threads,
                steps,
                fbMs,
                stMs,
                stCpu / 1e6 / steps,
                (fbMs + stMs) * STEPS_PER_EPOCH / 1000,
                stMs * STEPS_PER_EPOCH / 1000);
    }
}
