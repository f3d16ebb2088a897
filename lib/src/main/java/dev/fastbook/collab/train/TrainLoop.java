package dev.fastbook.collab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.DataLoader;
import dev.fastbook.collab.data.TabDataLoader;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.train.fused.DotBiasStep;

/**
 * The {@link Learner}'s one loop (fastai's {@code _do_fit}, {@code _do_epoch},
 * {@code all_batches}, {@code one_batch}) and its state, which callbacks read through the learner.
 * Fits, lrFind and validation all run here; each event is a loop over an array of callbacks, and
 * each stage (fit, epoch, train, validate, batch) is wrapped in its before and after events by one
 * helper, {@link #withEvents}, as fastai's {@code _with_events}.
 */
final class TrainLoop {
    private static final int VALID_CHUNK = 4096;

    private final Learner<?, ?> learn;
    private final Module model;
    private final Loss loss;
    private BufferSnapshot rollback;
    private double firstLoss = Double.NaN;
    private DotBiasStep fused; // this fit's fused path, or null
    private int[] users, items; // a fused batch's rows
    private float[] ratings;
    private int rows;

    Callback[] running; // null outside a loop
    int nEpoch, epoch, nIter, iter;
    boolean training, finding;
    double pctTrain, lr, mom, wd, lossValue;
    String lrSetting;
    Batch batch;
    NDArray pred;

    // The bodies the events wrap, made once: a batch allocates nothing for its events.
    private final Runnable allEpochs = this::allEpochs;
    private final Runnable oneEpoch = this::oneEpoch;
    private final Runnable oneBatch = this::oneBatch;
    private final Runnable fusedBatch = this::fusedBatch;

    /** One of {@link Callback}'s methods, e.g. {@code Callback::afterLoss}. */
    private interface Event {
        void on(Callback cb, Learner<?, ?> learn);
    }

    TrainLoop(Learner<?, ?> learn, Module model, Loss loss) {
        this.learn = learn;
        this.model = model;
        this.loss = loss;
    }

    // fastai's _do_fit: epochs until the last or until a callback cancels the fit. Returns whether
    // every epoch ran.
    boolean fit(int epochs, double wd, String setting, double lr0, double mom0, Callback[] cbs, boolean lrFind) {
        boolean mine = OneFitAtATime.enter(learn, lrFind ? "lrFind" : "fit");
        try {
            return fitAlone(epochs, wd, setting, lr0, mom0, cbs, lrFind);
        } finally {
            if (mine) {
                OneFitAtATime.exit();
            }
        }
    }

    private boolean fitAlone(
            int epochs, double wd, String setting, double lr0, double mom0, Callback[] cbs, boolean lrFind) {
        learn.opt();
        fused = lrFind ? null : learn.fusedChoice.stepFor(cbs);
        if (rollback == null) {
            rollback = new BufferSnapshot(model);
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
        try {
            return withEvents(Callback::beforeFit, allEpochs, Callback.CancelFitException.class, Callback::afterFit);
        } finally {
            try {
                fire(Callback::cleanupFit);
            } finally {
                end();
            }
        }
    }

    /** A validation pass on its own, its figures gathered by {@code ev}. */
    void validate(DataLoader dl, Evaluation ev) {
        if (running != null) {
            throw new IllegalStateException(
                    "validate() cannot run inside a fit or lrFind; use a metric (learn.metrics(...)).");
        }
        running = new Callback[] {ev};
        try {
            validPass(dl);
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

    /** One event for every running callback, in order. */
    private void fire(Event event) {
        for (Callback cb : running) {
            event.on(cb, learn);
        }
    }

    /**
     * fastai's {@code _with_events}: the before event, the body, then the after event, which also
     * runs when a callback cancels this stage. Returns whether the body ran to its end.
     */
    private boolean withEvents(Event before, Runnable body, Class<? extends RuntimeException> cancel, Event after) {
        boolean completed = true;
        try {
            fire(before);
            body.run();
        } catch (RuntimeException e) {
            if (!cancel.isInstance(e)) {
                throw e;
            }
            completed = false;
        }
        fire(after);
        return completed;
    }

    private void allEpochs() {
        for (epoch = 0; epoch < nEpoch; epoch++) {
            withEvents(Callback::beforeEpoch, oneEpoch, Callback.CancelEpochException.class, Callback::afterEpoch);
        }
    }

    private void oneEpoch() {
        DataLoader train = learn.dls().train();
        training = true;
        model.train();
        nIter = train.size();
        withEvents(
                Callback::beforeTrain,
                () -> {
                    if (fused != null) {
                        fusedBatches((TabDataLoader) train);
                    } else {
                        allBatches(train);
                    }
                },
                Callback.CancelTrainException.class,
                Callback::afterTrain);
        validPass(learn.dls().valid());
    }

    // Validation needs no gradients and, in eval mode, no batch statistics, so it runs in large
    // chunks: the mean over all rows is the same, with far fewer calls into the engine.
    private void validPass(DataLoader valid) {
        DataLoader chunks = valid.withBs(VALID_CHUNK);
        training = false;
        model.eval();
        nIter = chunks.size();
        withEvents(
                Callback::beforeValidate,
                () -> Tensors.noGrad(() -> {
                    allBatches(chunks);
                    return null;
                }),
                Callback.CancelValidException.class,
                Callback::afterValidate);
    }

    // fastai's all_batches: the loader owns the order and the batch size; each batch's arrays,
    // and everything computed from them, are freed when it is done.
    private void allBatches(DataLoader dl) {
        iter = 0;
        for (Batch b : dl) {
            try (b;
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (Thread.currentThread().isInterrupted()) {
                    throw Divergence.interrupted(learn);
                }
                batch = b;
                if (training) {
                    pctTrain = (double) (epoch * nIter + iter) / ((long) nIter * nEpoch);
                }
                withEvents(Callback::beforeBatch, oneBatch, Callback.CancelBatchException.class, Callback::afterBatch);
            } finally {
                batch = null;
                pred = null;
            }
            iter++;
        }
    }

    // The training batches on the fused path (train.fused): the same events and checks as
    // allBatches and trainBatch, each batch's rows as Java arrays and no tensors (batch() and
    // pred() are null). The weights and optimiser state go back to the model and Adam at the end.
    private void fusedBatches(TabDataLoader dl) {
        if (users == null || users.length < dl.bs()) {
            users = new int[dl.bs()];
            items = new int[dl.bs()];
            ratings = new float[dl.bs()];
        }
        int[] order = dl.epochOrder();
        fused.load();
        try {
            for (iter = 0; iter < nIter; iter++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw Divergence.interrupted(learn);
                }
                rows = dl.fill(order, iter, users, items, ratings);
                pctTrain = (double) (epoch * nIter + iter) / ((long) nIter * nEpoch);
                withEvents(
                        Callback::beforeBatch, fusedBatch, Callback.CancelBatchException.class, Callback::afterBatch);
            }
        } finally {
            fused.save();
        }
    }

    private void fusedBatch() {
        float value = fused.forwardBackward(users, items, ratings, rows);
        fire(Callback::afterPred);
        lossValue = value;
        if (Double.isNaN(firstLoss) && Float.isFinite(value)) {
            firstLoss = value;
        }
        boolean exploded = firstLoss > 0 && value > Learner.EXPLODED * firstLoss;
        if (!Float.isFinite(value) || exploded) {
            fused.discard();
            throw Divergence.diverged(
                    learn, exploded ? Divergence.Kind.EXPLODED : Divergence.Kind.NOT_FINITE, firstLoss);
        }
        fire(Callback::afterLoss);
        fire(Callback::beforeBackward);
        fire(Callback::beforeStep);
        if (!fused.step(lr, mom, wd)) {
            throw Divergence.diverged(learn, Divergence.Kind.STEP_REFUSED, firstLoss);
        }
        fire(Callback::afterStep);
    }

    // fastai's one_batch: forward and loss; when training, backward and an optimiser step.
    private void oneBatch() {
        if (training) {
            trainBatch();
        } else {
            pred = model.forward(batch.x());
            fire(Callback::afterPred);
            lossValue = loss.apply(pred, batch.y()).toFloatArray()[0];
            fire(Callback::afterLoss);
        }
    }

    // A loss that is not finite, or has exploded, takes no step (and computes no gradient); a step
    // Adam refuses changes nothing. Either way the running statistics the forward pass moved are
    // put back, so the model is exactly as it was before this batch, and the exception says what
    // to change.
    private void trainBatch() {
        float[][] saved = rollback.save();
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            pred = model.forward(batch.x());
            fire(Callback::afterPred);
            NDArray l = loss.apply(pred, batch.y());
            float value = l.toFloatArray()[0];
            lossValue = value;
            if (Double.isNaN(firstLoss) && Float.isFinite(value)) {
                firstLoss = value; // the model's starting loss: the yardstick for an explosion
            }
            boolean exploded = firstLoss > 0 && value > Learner.EXPLODED * firstLoss;
            if (!Float.isFinite(value) || exploded) {
                rollback.restore(saved);
                throw Divergence.diverged(
                        learn, exploded ? Divergence.Kind.EXPLODED : Divergence.Kind.NOT_FINITE, firstLoss);
            }
            fire(Callback::afterLoss);
            fire(Callback::beforeBackward);
            gc.backward(l);
        }
        fire(Callback::beforeStep);
        if (!learn.opt().step(lr, mom, wd)) {
            rollback.restore(saved);
            throw Divergence.diverged(learn, Divergence.Kind.STEP_REFUSED, firstLoss);
        }
        fire(Callback::afterStep);
    }
}
