package dev.fastbook.collab.train.fused;

import dev.fastbook.collab.train.optim.AdamMath;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The Adam update of every element of the tables ({@link AdamMath#update}), each table split into
 * one contiguous range per thread: the caller's and helpers from the common pool, whose tasks are
 * made once and reused. The arithmetic of an element does not depend on the split.
 */
final class DensePass {
    private final DotBiasStep.Table[] tables;
    private final int threads;
    private final Part[] helpers;

    /** Range p of every table, run by a helper. */
    private final class Part extends RecursiveAction {
        private final int p;
        private AdamMath.Step c;

        Part(int p) {
            this.p = p;
        }

        @Override
        protected void compute() {
            part(p, c);
        }
    }

    DensePass(DotBiasStep.Table[] tables, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.tables = tables;
        this.threads = threads;
        helpers = new Part[threads - 1];
        for (int p = 1; p < threads; p++) {
            helpers[p - 1] = new Part(p);
        }
    }

    void run(AdamMath.Step c) {
        for (Part h : helpers) {
            h.c = c;
            h.reinitialize();
            ForkJoinPool.commonPool().execute(h);
        }
        part(0, c);
        for (Part h : helpers) {
            h.join(); // not interruptible: the step is all or nothing
        }
    }

    // Range p of every table: elements [len*p/threads, len*(p+1)/threads).
    private void part(int p, AdamMath.Step c) {
        for (DotBiasStep.Table t : tables) {
            int len = t.w.length;
            int from = (int) ((long) len * p / threads), to = (int) ((long) len * (p + 1) / threads);
            AdamMath.update(from, to, t.w, t.g, t.avg, t.sqr, c.decay(t.decays), c);
        }
    }
}
