package dev.fastbook.collab.train;

import dev.fastbook.collab.train.optim.Adam;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.DataLoader;
import dev.fastbook.collab.data.Loader;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.train.fused.DotBiasStep;

/**
 * The {@link Learner}'s one loop (fastai's {@code _do_fit}, {@code _do_epoch},
 * {@code all_batches}, {@code one_batch}) and its state, which callbacks read through the learner.
 * Fits, lrFind and validation all run here; each event is a plain loop over an array of
 * callbacks, so a batch allocates nothing for them.
 */
final class TrainLoop {
    private static final int VALID_CHUNK = 4096;

    private final Learner<?> learn;
    private final Module model;
    private final Loss loss;
    private Rollback rollback;
    private double firstLoss = Double.NaN;
    private DotBiasStep fused; // this fit's fused path, or null

    Callback[] running; // null outside a loop
    int nEpoch, epoch, nIter, iter;
    boolean training, finding;
    double pctTrain, lr, mom, wd, lossValue;
    String lrSetting;
    Batch batch;
    NDArray pred;

    TrainLoop(Learner<?> learn, Module model, Loss loss) {
        this.learn = learn;
        this.model = model;
        this.loss = loss;
    }

    // fastai's _do_fit: epochs until the last or until a callback cancels the fit. Returns whether
    // every epoch ran.
    boolean fit(int epochs, double wd, String setting, double lr0, double mom0, Callback[] cbs, boolean lrFind) {
        learn.opt();
        fused = lrFind ? null : learn.fusedStep(cbs);
        if (rollback == null) {
            rollback = new Rollback(model);
        }
        running = cbs;
        nEpoch = epochs;
        this.wd = wd;
        lrSetting = setting;
        finding = lrFind;
        lr = lr0;
        mom = mom0;
        epoch = iter = 0;
        pctTrain = 0;
        boolean completed = true;
        try {
            try {
                for (Callback cb : cbs) cb.beforeFit(learn);
                for (epoch = 0; epoch < nEpoch; epoch++) {
                    oneEpoch();
                }
            } catch (Callback.CancelFitException e) {
                completed = false;
            }
            for (Callback cb : cbs) cb.afterFit(learn);
            return completed;
        } finally {
            try {
                for (Callback cb : cbs) cb.cleanupFit(learn);
            } finally {
                end();
            }
        }
    }

    /** A validation pass on its own, its figures gathered by {@code ev}. */
    void validate(Loader dl, Evaluation ev) {
        if (running != null) {
            throw new IllegalStateException("validate() cannot run inside a fit or lrFind; use a metric (learn.metrics(...)).");
        }
        running = new Callback[] {ev};
        try {
            try {
                validPass(dl);
            } catch (Callback.CancelValidException e) {
                // nothing more to add up
            }
            ev.afterValidate(learn);
        } finally {
            end();
        }
    }

    private void end() {
        running = null;
        batch = null;
        pred = null;
        training = false;
        finding = false;
    }

    private void oneEpoch() {
        Callback[] cbs = running;
        try {
            for (Callback cb : cbs) cb.beforeEpoch(learn);
            Loader train = learn.loaders().train();
            try {
                training = true;
                model.train();
                nIter = train.size();
                for (Callback cb : cbs) cb.beforeTrain(learn);
                if (fused != null) {
                    fusedBatches((DataLoader) train);
                } else {
                    allBatches(train);
                }
            } catch (Callback.CancelTrainException e) {
                // on to afterTrain
            }
            for (Callback cb : cbs) cb.afterTrain(learn);
            try {
                validPass(learn.loaders().valid());
            } catch (Callback.CancelValidException e) {
                // on to afterValidate
            }
            for (Callback cb : cbs) cb.afterValidate(learn);
        } catch (Callback.CancelEpochException e) {
            // on to afterEpoch
        }
        for (Callback cb : cbs) cb.afterEpoch(learn);
    }

    // Validation needs no gradients and, in eval mode, no batch statistics, so it runs in large
    // chunks: the mean over all rows is the same, with far fewer calls into the engine.
    private void validPass(Loader valid) {
        Loader chunks = valid.withBs(VALID_CHUNK);
        training = false;
        model.eval();
        nIter = chunks.size();
        for (Callback cb : running) cb.beforeValidate(learn);
        Tensors.noGrad(() -> {
            allBatches(chunks);
            return null;
        });
    }

    // fastai's all_batches: the loader owns the order and the batch size; each batch's arrays,
    // and everything computed from them, are freed when it is done.
    private void allBatches(Loader dl) {
        iter = 0;
        for (Batch b : dl) {
            try (b; NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (Thread.currentThread().isInterrupted()) {
                    throw Divergence.interrupted(learn);
                }
                batch = b;
                oneBatch();
            } finally {
                batch = null;
                pred = null;
            }
            iter++;
        }
    }

    // The training batches on the fused path: the same events and checks as oneBatch and
    // trainBatch, with each batch's rows as Java arrays and no tensors (batch() and pred() are null).
    private void fusedBatches(DataLoader dl) {
        int bs = dl.bs();
        int[] users = new int[bs], items = new int[bs];
        float[] ratings = new float[bs];
        int[] order = dl.epochOrder();
        fused.load();
        try {
            for (iter = 0; iter < nIter; iter++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw Divergence.interrupted(learn);
                }
                int n = dl.fill(order, iter, users, items, ratings);
                pctTrain = (double) (epoch * nIter + iter) / ((long) nIter * nEpoch);
                try {
                    for (Callback cb : running) cb.beforeBatch(learn);
                    fusedBatch(users, items, ratings, n);
                } catch (Callback.CancelBatchException e) {
                    fused.discard();
                }
                for (Callback cb : running) cb.afterBatch(learn);
            }
        } finally {
            fused.save();
        }
    }

    private void fusedBatch(int[] users, int[] items, float[] ratings, int n) {
        Callback[] cbs = running;
        float value = fused.forwardBackward(users, items, ratings, n);
        for (Callback cb : cbs) cb.afterPred(learn);
        lossValue = value;
        if (Double.isNaN(firstLoss) && Float.isFinite(value)) {
            firstLoss = value;
        }
        boolean exploded = firstLoss > 0 && value > Learner.EXPLODED * firstLoss;
        if (!Float.isFinite(value) || exploded) {
            fused.discard();
            throw Divergence.diverged(learn, exploded ? Divergence.Kind.EXPLODED : Divergence.Kind.NOT_FINITE, firstLoss);
        }
        for (Callback cb : cbs) cb.afterLoss(learn);
        for (Callback cb : cbs) cb.beforeBackward(learn);
        for (Callback cb : cbs) cb.beforeStep(learn);
        if (!fused.step(lr, mom, wd)) {
            throw Divergence.diverged(learn, Divergence.Kind.STEP_REFUSED, firstLoss);
        }
        for (Callback cb : cbs) cb.afterStep(learn);
    }

    // fastai's one_batch: forward and loss; when training, backward and an optimiser step.
    private void oneBatch() {
        Callback[] cbs = running;
        if (training) {
            pctTrain = (double) (epoch * nIter + iter) / ((long) nIter * nEpoch);
        }
        try {
            for (Callback cb : cbs) cb.beforeBatch(learn);
            if (training) {
                trainBatch(cbs);
            } else {
                pred = model.forward(batch.x());
                for (Callback cb : cbs) cb.afterPred(learn);
                lossValue = loss.apply(pred, batch.y()).toFloatArray()[0];
                for (Callback cb : cbs) cb.afterLoss(learn);
            }
        } catch (Callback.CancelBatchException e) {
            // on to afterBatch
        }
        for (Callback cb : cbs) cb.afterBatch(learn);
    }

    // A loss that is not finite, or has exploded, takes no step (and computes no gradient); a step
    // Adam refuses changes nothing. Either way the running statistics the forward pass moved are
    // put back, so the model is exactly as it was before this batch, and the exception says what
    // to change.
    private void trainBatch(Callback[] cbs) {
        float[][] saved = rollback.save();
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            pred = model.forward(batch.x());
            for (Callback cb : cbs) cb.afterPred(learn);
            NDArray l = loss.apply(pred, batch.y());
            float value = l.toFloatArray()[0];
            lossValue = value;
            if (Double.isNaN(firstLoss) && Float.isFinite(value)) {
                firstLoss = value; // the model's starting loss: the yardstick for an explosion
            }
            boolean exploded = firstLoss > 0 && value > Learner.EXPLODED * firstLoss;
            if (!Float.isFinite(value) || exploded) {
                rollback.restore(saved);
                throw Divergence.diverged(learn, exploded ? Divergence.Kind.EXPLODED : Divergence.Kind.NOT_FINITE,
                        firstLoss);
            }
            for (Callback cb : cbs) cb.afterLoss(learn);
            for (Callback cb : cbs) cb.beforeBackward(learn);
            gc.backward(l);
        }
        for (Callback cb : cbs) cb.beforeStep(learn);
        if (!learn.opt().step(lr, mom, wd)) {
            rollback.restore(saved);
            throw Divergence.diverged(learn, Divergence.Kind.STEP_REFUSED, firstLoss);
        }
        for (Callback cb : cbs) cb.afterStep(learn);
    }
}
