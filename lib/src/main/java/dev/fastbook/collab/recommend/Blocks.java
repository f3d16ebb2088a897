package dev.fastbook.collab.recommend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Positions {@code 0 .. n - 1} in blocks, shared out between worker threads that each take the next free block. */
final class Blocks {
    private Blocks() {}

    /** One worker's job on positions {@code from .. to - 1}; each thread gets its own (its own buffers). */
    @FunctionalInterface
    interface Work {
        void run(int from, int to);
    }

    static void run(int n, int block, int threads, Supplier<Work> workers) {
        int nBlocks = (n + block - 1) / block;
        AtomicInteger next = new AtomicInteger();
        Runnable loop = () -> {
            Work w = workers.get();
            for (int b; (b = next.getAndIncrement()) < nBlocks; ) {
                w.run(b * block, Math.min(n, (b + 1) * block));
            }
        };
        int nThreads = Math.max(1, Math.min(threads, nBlocks));
        if (nThreads == 1) {
            loop.run();
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(nThreads, r -> {
            Thread t = new Thread(r, "topk");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < nThreads; t++) {
                done.add(pool.submit(loop));
            }
            for (Future<?> d : done) {
                d.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while ranking items", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
