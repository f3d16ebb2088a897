package dev.fastbook.collab.train;

/**
 * fastai's {@code Callback}: code the {@link Learner}'s one training loop calls at its events. Every
 * method does nothing unless overridden, so a callback is a small class with the events it needs:
 *
 * <pre>{@code
 * learn.addCb(new Callback() {
 *     public void afterEpoch(Learner<?, ?> learn) {
 *         System.out.println("epoch " + learn.epoch() + ": " + learn.results().last().validLoss());
 *     }
 * });
 * }</pre>
 *
 * <p>Inside an event the learner says where the loop is ({@code epoch(), iter(), training(),
 * pctTrain()}), what the batch is ({@code batch(), pred(), loss()}) and the hyper-parameters the
 * step will use ({@code lr(), mom()}, which a callback may set in {@code beforeBatch}). To change
 * the flow, throw one of the cancel exceptions below, as in fastai.
 *
 * <p>The events of a fit, in order: {@code beforeFit}; per epoch {@code beforeEpoch},
 * {@code beforeTrain}, per batch ({@code beforeBatch, afterPred, afterLoss, beforeBackward,
 * beforeStep, afterStep, afterBatch}), {@code afterTrain}, {@code beforeValidate}, the validation
 * batches ({@code beforeBatch, afterPred, afterLoss, afterBatch}), {@code afterValidate},
 * {@code afterEpoch}; then {@code afterFit} when the fit ran to its end or a callback cancelled
 * it, and {@code cleanupFit} however it ended (also after an exception). Callbacks run in
 * {@link #order()}, then in the order they were added.
 */
public interface Callback {
    /** Lower runs first: the Recorder is at -20 and the live table at -10, so the default 0 sees their results. */
    default int order() {
        return 0;
    }

    /**
     * Whether this callback reads the batch's tensors or the model's gradients during training
     * ({@code batch()}, {@code pred()}, gradients): then fits take the DJL path. A callback that reads
     * only the loss, the hyper-parameters and epoch-level results may return false, which lets the
     * fused path run ({@link Learner#fused}).
     */
    default boolean needsTensors() {
        return true;
    }

    /** Once, before the first epoch of a fit. */
    default void beforeFit(Learner<?, ?> learn) {}

    /** At the start of each epoch. */
    default void beforeEpoch(Learner<?, ?> learn) {}

    /** Before an epoch's training batches (the model is in training mode). */
    default void beforeTrain(Learner<?, ?> learn) {}

    /** Before each batch, training or validation: the place to set {@code lr} and {@code mom}. */
    default void beforeBatch(Learner<?, ?> learn) {}

    /** After the forward pass: {@code learn.pred()} holds the predictions. */
    default void afterPred(Learner<?, ?> learn) {}

    /** After the loss is computed: {@code learn.loss()} holds it. */
    default void afterLoss(Learner<?, ?> learn) {}

    /** Before the gradients are computed (training batches only). */
    default void beforeBackward(Learner<?, ?> learn) {}

    /** After the gradients, before the optimiser steps (training batches only). */
    default void beforeStep(Learner<?, ?> learn) {}

    /** After the optimiser stepped (training batches only). */
    default void afterStep(Learner<?, ?> learn) {}

    /** After each batch, training or validation. */
    default void afterBatch(Learner<?, ?> learn) {}

    /** After an epoch's training batches. */
    default void afterTrain(Learner<?, ?> learn) {}

    /** Before an epoch's validation batches (the model is in evaluation mode). */
    default void beforeValidate(Learner<?, ?> learn) {}

    /** After an epoch's validation batches. */
    default void afterValidate(Learner<?, ?> learn) {}

    /** At the end of each epoch (after the Recorder, which runs first, has written its row of results). */
    default void afterEpoch(Learner<?, ?> learn) {}

    /** After the last epoch, or after a {@link CancelFitException}; not after an error. */
    default void afterFit(Learner<?, ?> learn) {}

    /** However the fit ended, errors and interrupts included: put back what the callback changed. */
    default void cleanupFit(Learner<?, ?> learn) {}

    /** Ends the fit; {@code afterFit} still runs (fastai's early stopping throws it). */
    class CancelFitException extends RuntimeException {
        public CancelFitException() {
            super(null, null, false, false);
        }
    }

    /** Skips the rest of this epoch (training and validation); {@code afterEpoch} still runs. */
    class CancelEpochException extends RuntimeException {
        public CancelEpochException() {
            super(null, null, false, false);
        }
    }

    /** Skips the rest of this epoch's training batches; {@code afterTrain} still runs. */
    class CancelTrainException extends RuntimeException {
        public CancelTrainException() {
            super(null, null, false, false);
        }
    }

    /** Skips this epoch's validation; {@code afterValidate} still runs (the valid loss is NaN). */
    class CancelValidException extends RuntimeException {
        public CancelValidException() {
            super(null, null, false, false);
        }
    }

    /**
     * Skips the rest of this batch; {@code afterBatch} still runs. Throw it in {@code beforeBackward}
     * or earlier: once gradients exist the batch must step.
     */
    class CancelBatchException extends RuntimeException {
        public CancelBatchException() {
            super(null, null, false, false);
        }
    }
}
