package dev.fastbook.collab.train.fused;

import dev.fastbook.collab.train.optim.AdamMath;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Adam update of every element of the tables ({@link AdamMath#update}), each table split into
 * one contiguous range per thread. The arithmetic of an element does not depend on the split.
 */
final class DensePass {
    private final DotBiasStep.Table[] tables;
    private final int threads;
    private final ExecutorService helpers;

    DensePass(DotBiasStep.Table[] tables, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.tables = tables;
        this.threads = threads;
        helpers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "fused-adam");
            t.setDaemon(true);
            return t;
        });
    }

    void run(AdamMath.Step c) {
        if (helpers == null) {
            part(0, c);
            return;
        }
        Future<?>[] others = new Future<?>[threads - 1];
        for (int p = 1; p < threads; p++) {
            int part = p;
            others[p - 1] = helpers.submit(() -> part(part, c));
        }
        part(0, c);
        boolean interrupted = false;
        for (Future<?> other : others) {
            // the step is all or nothing: wait for every part, and keep an interrupt for the loop
            while (true) {
                try {
                    other.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("Fused Adam step failed: " + e.getCause(), e.getCause());
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // Part p of every table: elements [len*p/threads, len*(p+1)/threads).
    private void part(int p, AdamMath.Step c) {
        for (DotBiasStep.Table t : tables) {
            int len = t.w.length;
            int from = (int) ((long) len * p / threads), to = (int) ((long) len * (p + 1) / threads);
            AdamMath.update(from, to, t.w, t.g, t.avg, t.sqr, c.decay(t.decays), c);
        }
    }

    void close() {
        if (helpers != null) {
            helpers.shutdown();
        }
    }
}
