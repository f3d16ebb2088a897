package dev.fastbook.collab.train.optim;

import static dev.fastbook.collab.train.optim.Chunked.CHUNK;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The CPU path: one fused pass ({@link AdamMath#update}) over the tensors' own memory, chunk by
 * chunk so each chunk's weights, gradient and moving averages stay in cache, each large parameter
 * split over the threads. Each element's arithmetic is the same however the work is split, so the
 * results do not depend on the thread count. A table whose gradient came as rows gets each chunk's
 * gradient from its summed rows (zero elsewhere); in lazy mode only those rows are updated.
 */
final class CpuPass {
    private static ExecutorService pool;

    private final int threads;
    private final float[][][] scratch; // per thread: chunks of {gradient, weights, gradAvg, sqrAvg}
    private final float[] zeros = new float[CHUNK];
    private final boolean[] gradZero; // per thread: its gradient scratch is all zeros

    CpuPass(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        scratch = new float[threads][][];
        gradZero = new boolean[threads];
        for (int t = 0; t < threads; t++) {
            scratch[t] = new float[][] {new float[CHUNK], new float[CHUNK], new float[CHUNK], new float[CHUNK]};
        }
    }

    /** One part of a pass: chunks [from, to) of one parameter, or its looked-up rows [from, to) in lazy mode. */
    private record Part(Grad grad, FloatBuffer weight, FloatBuffer gradient, int from, int to) {}

    /**
     * Updates every weight of the given parameters (their looked-up rows in lazy mode); true when
     * all results are finite. Staged parameters keep a backup of their weights and write their new
     * moving averages to spares ({@link StepRollback}); in-place ones write over both.
     */
    boolean run(List<Grad> grads, AdamMath.Step c) {
        if (grads.isEmpty()) {
            return true;
        }
        List<List<Part>> perThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            perThread.add(new ArrayList<>());
        }
        for (Grad g : grads) {
            Slot s = g.slot;
            s.toJava();
            boolean staged = g.path == Grad.Path.STAGED;
            if (staged) {
                s.rollBack.prepare();
            }
            g.passed = staged;
            FloatBuffer w = TensorMemory.floats(s.weight());
            FloatBuffer gm = g.dense == null ? null : TensorMemory.floats(g.dense);
            if (gm != null && g.rows != null) {
                addRowsInto(g, gm); // a table both looked up and used directly: one gradient
            }
            if (g.lazy) {
                // The looked-up rows, split over the threads (they are distinct).
                int n = g.rows == null ? 0 : g.rows.rows.length;
                int parts = n >= 512 ? threads : 1;
                for (int p = 0; p < parts && n > 0; p++) {
                    perThread.get(p).add(new Part(g, w.duplicate(), null, n * p / parts, n * (p + 1) / parts));
                }
                continue;
            }
            // A large parameter split over the threads at chunk boundaries (a row may span two parts).
            int parts = s.size >= StepRollback.SMALL ? threads : 1;
            int chunks = s.gradAvg.data.length;
            for (int p = 0; p < parts; p++) {
                int from = (int) ((long) chunks * p / parts);
                int to = (int) ((long) chunks * (p + 1) / parts);
                perThread.get(p).add(new Part(g, w.duplicate(), gm == null ? null : gm.duplicate(), from, to));
            }
        }
        List<Future<Boolean>> others = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            if (!perThread.get(t).isEmpty()) {
                int thread = t;
                others.add(pool().submit(() -> runParts(perThread.get(thread), thread, c)));
            }
        }
        boolean finite = runParts(perThread.get(0), 0, c);
        for (Future<Boolean> f : others) {
            finite &= joinUninterruptibly(f);
        }
        return finite;
    }

    /** After a refused step: clears a dense gradient the pass did not get to clear. */
    void clearGradient(Grad g) {
        FloatBuffer gm = TensorMemory.floats(g.dense);
        for (int off = 0; off < g.slot.size; off += CHUNK) {
            gm.put(off, zeros, 0, Math.min(CHUNK, g.slot.size - off));
        }
    }

    private boolean runParts(List<Part> parts, int thread, AdamMath.Step c) {
        boolean finite = true;
        for (Part part : parts) {
            Grad g = part.grad();
            if (g.lazy) {
                gradZero[thread] = false;
                finite &= LazyRows.update(g, part.weight(), part.from(), part.to(), scratch[thread], c);
            } else {
                finite &= chunks(part, thread, c);
            }
        }
        return finite;
    }

    // The chunks of one part; the finiteness check runs only on staged parameters.
    private boolean chunks(Part part, int thread, AdamMath.Step c) {
        float[] gLocal = scratch[thread][0];
        float[] pLocal = scratch[thread][1];
        Grad g = part.grad();
        Slot s = g.slot;
        boolean staged = g.path == Grad.Path.STAGED;
        float decay = c.decay(s.decays);
        boolean finite = true;
        int[] rows = g.rows == null ? null : g.rows.rows;
        int k = rows == null ? 0 : firstRowEndingAfter(rows, part.from() * CHUNK, s.cols);
        for (int chunk = part.from(); chunk < part.to(); chunk++) {
            int off = chunk * CHUNK;
            float[] avg = s.gradAvg.data[chunk];
            float[] sqr = s.sqrAvg.data[chunk];
            int len = avg.length;
            if (staged) {
                // The old weights stay in the backup, the new averages go to the spares.
                float[] old = s.rollBack.weights.data[chunk];
                part.weight().get(off, old, 0, len);
                System.arraycopy(old, 0, pLocal, 0, len);
                System.arraycopy(avg, 0, avg = s.rollBack.gradAvg.data[chunk], 0, len);
                System.arraycopy(sqr, 0, sqr = s.rollBack.sqrAvg.data[chunk], 0, len);
            } else {
                part.weight().get(off, pLocal, 0, len);
            }
            float[] grad = zeros; // no row of this chunk was looked up
            int first = k;
            if (part.gradient() != null) {
                gradZero[thread] = false;
                part.gradient().get(off, gLocal, 0, len);
                part.gradient().put(off, zeros, 0, len); // PyTorch accumulates: clear for the next batch
                grad = gLocal;
            } else if (rows != null && k < rows.length && (long) rows[k] * s.cols < off + len) {
                // Zeros but for the looked-up rows, which are zeroed again after the update.
                if (!gradZero[thread]) {
                    Arrays.fill(gLocal, 0f);
                }
                gradZero[thread] = false;
                k = copyRows(g.rows, k, off, len, gLocal, false);
                grad = gLocal;
            }
            AdamMath.update(len, pLocal, grad, avg, sqr, decay, c);
            if (grad == gLocal && part.gradient() == null) {
                copyRows(g.rows, first, off, len, gLocal, true);
                gradZero[thread] = true;
            }
            if (staged) {
                finite &= AdamMath.finite(len, pLocal, avg, sqr);
            }
            part.weight().put(off, pLocal, 0, len);
        }
        return finite;
    }

    private static int firstRowEndingAfter(int[] rows, int from, int f) {
        int lo = 0, hi = rows.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if ((long) rows[mid] * f + f <= from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // Copies the summed gradients of the rows overlapping [off, off+len) into the chunk (or zeros
    // where they were); returns the first row that may overlap the next chunk.
    private static int copyRows(RowGradients.Rows rows, int k, int off, int len, float[] gLocal, boolean zero) {
        int f = rows.cols;
        int end = off + len;
        while (k < rows.rows.length) {
            int start = rows.rows[k] * f;
            if (start >= end) {
                break;
            }
            int a = Math.max(start, off);
            int b = Math.min(start + f, end);
            if (zero) {
                Arrays.fill(gLocal, a - off, b - off, 0f);
            } else {
                System.arraycopy(rows.sums, rows.at(rows.rows[k]) + (a - start), gLocal, a - off, b - a);
            }
            if (start + f > end) {
                break; // the row continues in the next chunk
            }
            k++;
        }
        return k;
    }

    private static void addRowsInto(Grad g, FloatBuffer gm) {
        int f = g.slot.cols;
        float[] row = new float[f];
        for (int r : g.rows.rows) {
            gm.get(r * f, row, 0, f);
            int at = g.rows.at(r);
            for (int j = 0; j < f; j++) {
                row[j] += g.rows.sums[at + j];
            }
            gm.put(r * f, row, 0, f);
        }
        g.rows = null; // folded into the dense gradient
    }

    // A step is all or nothing: an interrupt (a notebook's Kernel > Interrupt) waits for the other
    // threads' parts, and is kept for the learner, which stops before the next batch.
    private static boolean joinUninterruptibly(Future<Boolean> part) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return part.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("Optimiser step failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            int n = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
            pool = Executors.newFixedThreadPool(n, r -> {
                Thread th = new Thread(r, "adam-step");
                th.setDaemon(true);
                return th;
            });
        }
        return pool;
    }
}
