package dev.fastbook.collab.data;

/**
 * One side of a split as a Learner sees it: iterating gives one epoch of batches. {@link TabDataLoader}
 * is the ratings' loader; a loader that samples (for a ranking loss, say) implements this too.
 */
public interface DataLoader extends Iterable<Batch> {
    /** Batches per epoch. */
    int size();

    /** Rows per epoch (fastai's {@code n}). */
    int n();

    /** Rows per batch. */
    int bs();

    /** The same rows with another batch (or chunk) size. */
    DataLoader withBs(int batchSize);
}
