package dev.fastbook.collab.train.optim;

import java.nio.FloatBuffer;

/**
 * What puts a parameter back after a refused step on the CPU pass: a staged pass first copies the
 * weights here and writes the new moving averages to spare arrays; committing swaps the spares
 * in, rolling back copies the weights back. A large table, staged only in rare steps (a refused
 * one, a huge learning rate), then lets its three copies go; small parameters (Linear layers)
 * stage every step and keep theirs.
 */
final class StepRollback {
    // Below this size a parameter keeps its spares (and is not split over threads).
    static final int SMALL = 1 << 16;

    private final Slot slot;
    Chunked weights; // before the pass
    Chunked gradAvg; // the new moving averages, until committed
    Chunked sqrAvg;

    StepRollback(Slot slot) {
        this.slot = slot;
    }

    /** Makes room for a staged pass. */
    void prepare() {
        if (weights == null) {
            weights = new Chunked(slot.size);
            gradAvg = new Chunked(slot.size);
            sqrAvg = new Chunked(slot.size);
        }
    }

    /** The staged pass's new moving averages become the parameter's. */
    void commit() {
        Chunked a = slot.gradAvg;
        slot.gradAvg = gradAvg;
        gradAvg = a;
        Chunked s = slot.sqrAvg;
        slot.sqrAvg = sqrAvg;
        sqrAvg = s;
        slot.maxAvg = slot.gradAvg.maxAbs();
        dropIfLarge();
    }

    /** Writes the weights from before the pass back into the parameter. */
    void restore(FloatBuffer w) {
        for (int k = 0; k < weights.data.length; k++) {
            w.put(k * Chunked.CHUNK, weights.data[k], 0, weights.data[k].length);
        }
        dropIfLarge();
    }

    void drop() {
        weights = gradAvg = sqrAvg = null;
    }

    private void dropIfLarge() {
        if (slot.size >= SMALL) {
            drop();
        }
    }
}
