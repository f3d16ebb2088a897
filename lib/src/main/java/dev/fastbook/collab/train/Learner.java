package dev.fastbook.collab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.DataLoaders;
import dev.fastbook.collab.data.Loader;
import dev.fastbook.collab.model.Module;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

import static dev.fastbook.collab.train.Checks.fmt;

/**
 * fastai's {@code Learner}: DataLoaders, a model and a loss, trained with fastai's Adam by one loop
 * that calls {@link Callback}s at its events. The {@link Recorder}, the live results table, the
 * one-cycle schedule and lrFind are callbacks on that loop; so are a user's own, added with
 * {@link #addCb}, and {@link Metric}s, which become columns of the results table.
 *
 * <pre>{@code
 * var learn = new Learner<>(dls, model, Loss.mse()).metrics(Metric.rmse());
 * learn.fitOneCycle(5, 5e-3, 0.1, new SaveModelCallback());
 * }</pre>
 *
 * <p>Settings are checked before any weight moves (a learning rate in (0, 10], a finite weight
 * decay of 0 or more with {@code lr * wd < 1}, at least one epoch). When a batch's loss is not
 * finite, or more than {@value #EXPLODED} times the first batch's, or its optimiser step is not
 * finite, training stops with a {@link TrainingDivergedException} and the weights, optimiser state
 * and running statistics are those from before that batch: a fit never leaves NaN behind. An
 * interrupt (a notebook's Kernel &gt; Interrupt) ends a fit before its next batch with a
 * {@link CancellationException}: the weights are those after the last completed batch.
 */
public class Learner<M extends Module> {
    /** fastai's default weight decay for Adam. */
    public static final double DEFAULT_WD = 0.01;
    /** The largest learning rate accepted: the end of lrFind's range, past which training diverges. */
    public static final double MAX_LR = 10;
    /** A finite loss this many times the first batch's counts as diverged. */
    public static final double EXPLODED = 1e4;

    private final DataLoaders dls;
    private final M model;
    private final Loss loss;
    private final Recorder recorder = new Recorder();
    private final List<Callback> cbs = new ArrayList<>();
    private List<Metric> metrics = List.of();
    private double wd = DEFAULT_WD;
    private boolean quiet;
    private Adam opt;
    private boolean lazyUpdates;
    private Rollback rollback;
    private double firstLoss = Double.NaN;
    private int epochsTrained;
    private String lastFit = "not trained yet";

    // The loop's state, fastai's learner attributes; `running` is null outside a loop.
    private Callback[] running;
    private int nEpoch, epoch, nIter, iter;
    private boolean training, finding;
    private double pctTrain, lr, mom, fitWd, lossValue;
    private String lrSetting;
    private Batch batch;
    private NDArray pred;

    /** A learner on any {@link DataLoaders}: the ratings' {@link CollabDataLoaders}, or a sampler's. */
    public Learner(DataLoaders dls, M model, Loss loss) {
        this.dls = dls;
        this.model = model;
        this.loss = loss;
    }

    /** A learner with fastai's {@code MSELossFlat}. */
    public Learner(DataLoaders dls, M model) {
        this(dls, model, Loss.mse());
    }

    /** Adds a callback for every later fit (fastai's {@code add_cb}). */
    public Learner<M> addCb(Callback cb) {
        cbs.add(cb);
        return this;
    }

    public Learner<M> addCbs(Callback... more) {
        cbs.addAll(List.of(more));
        return this;
    }

    public Learner<M> removeCb(Callback cb) {
        cbs.remove(cb);
        return this;
    }

    /** The callbacks added with {@link #addCb} (the Recorder and the live table are always there too). */
    public List<Callback> cbs() {
        return List.copyOf(cbs);
    }

    /** fastai's {@code metrics=...}: columns of the results table, computed over the whole validation set. */
    public Learner<M> metrics(Metric... ms) {
        metrics = List.of(ms);
        return this;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    /** Calls {@code listener} with each epoch's row as soon as it is done (e.g. to log or measure). */
    public Learner<M> afterEpoch(Consumer<ResultsTable.Row> listener) {
        return addCb(new Callback() {
            @Override
            public void afterEpoch(Learner<?> learn) {
                listener.accept(learn.results().last());
            }
        });
    }

    /**
     * Trains without showing progress or the results table (fastai's {@code no_bar()} and
     * {@code no_logging()}), e.g. for many fits in a sweep; {@link #results()} still has every epoch.
     */
    public Learner<M> quiet() {
        quiet = true;
        return this;
    }

    public boolean isQuiet() {
        return quiet;
    }

    /** Sets the weight decay used when a fit call gives none. */
    public Learner<M> wd(double weightDecay) {
        Checks.wd(weightDecay);
        this.wd = weightDecay;
        return this;
    }

    public M model() {
        return model;
    }

    /** The DataLoaders as given, whatever their kind. */
    public DataLoaders loaders() {
        return dls;
    }

    /** The ratings' DataLoaders, with their vocabularies ({@code learn.dls().classes()}). */
    public CollabDataLoaders dls() {
        if (dls instanceof CollabDataLoaders c) {
            return c;
        }
        throw new IllegalStateException("This learner trains on " + dls.getClass().getSimpleName()
                + ", not CollabDataLoaders: loaders() gives them.");
    }

    public Loss lossFunc() {
        return loss;
    }

    public Recorder recorder() {
        return recorder;
    }

    /** The results table of the last fit. */
    public ResultsTable results() {
        return recorder.results();
    }

    /**
     * Opt-in, beyond fastai: embeddings are updated lazily, only the rows each batch uses (like
     * PyTorch's SparseAdam; see {@link Adam}). Set before the first fit.
     */
    public Learner<M> lazyUpdates(boolean on) {
        if (opt != null && opt.isLazy() != on) {
            throw new IllegalStateException("The optimiser already exists (" + (opt.isLazy() ? "lazy" : "exact")
                    + "): call lazyUpdates(" + on + ") before the first fit or lrFind.");
        }
        lazyUpdates = on;
        return this;
    }

    /** The optimiser, created on first fit and kept across fits as fastai does. */
    public Adam opt() {
        if (opt == null) {
            opt = new Adam(model, lazyUpdates);
        }
        return opt;
    }

    // ---- what a callback reads (and, for lr and mom, sets) during a fit ------------------

    public int epoch() { return epoch; }

    public int nEpoch() { return nEpoch; }

    /** The batch's index in its loader (training or validation). */
    public int iter() { return iter; }

    /** Batches in the loader being run. */
    public int nIter() { return nIter; }

    /** Whether the loop is in a training batch (false in validation). */
    public boolean training() { return training; }

    /** How far through the fit's training batches, in [0, 1). */
    public double pctTrain() { return pctTrain; }

    /** The learning rate this training batch's step uses. */
    public double lr() { return lr; }

    public double mom() { return mom; }

    /** The weight decay of the running fit, else the default one. */
    public double wd() { return running != null ? fitWd : wd; }

    /** For a callback's {@code beforeBatch}: the learning rate of this batch's step. */
    public void setLr(double lr) { this.lr = lr; }

    public void setMom(double mom) { this.mom = mom; }

    /** The batch being run ({@code x}, {@code y}); its arrays are freed after {@code afterBatch}. */
    public Batch batch() { return batch; }

    /** The model's output for the batch, from {@code afterPred}. */
    public NDArray pred() { return pred; }

    /** The batch's loss, from {@code afterLoss}. */
    public double loss() { return lossValue; }

    // ---- fitting -------------------------------------------------------------------------

    /** fastai's {@code fit_one_cycle(epochs, lr_max)} with the learner's weight decay. */
    public void fitOneCycle(int epochs, double lrMax) {
        fitOneCycle(epochs, lrMax, wd);
    }

    /** fastai's {@code fit_one_cycle(epochs, lr_max, wd=wd, cbs=...)}; the callbacks are for this fit only. */
    public void fitOneCycle(int epochs, double lrMax, double wd, Callback... extra) {
        Checks.settings(epochs, "lrMax", lrMax, wd);
        fitWith(epochs, wd, "lrMax " + fmt(lrMax), Double.NaN, Double.NaN, extra, Schedule.OneCycle.of(lrMax));
    }

    /** fastai's {@code fit(epochs, lr)}: a constant learning rate, momentum 0.9. */
    public void fit(int epochs, double lr) {
        fit(epochs, lr, wd);
    }

    public void fit(int epochs, double lr, double wd, Callback... extra) {
        Checks.settings(epochs, "lr", lr, wd);
        fitWith(epochs, wd, "lr " + fmt(lr), lr, 0.9, extra);
    }

    private void fitWith(int epochs, double wd, String setting, double lr0, double mom0, Callback[] extra,
            Callback... schedule) {
        List<Callback> all = new ArrayList<>(List.of(schedule));
        all.add(recorder);
        if (!quiet) {
            all.add(Progress.create());
        }
        all.addAll(cbs);
        all.addAll(List.of(extra));
        all.sort(Comparator.comparingInt(Callback::order));
        String at = " at " + setting + ", wd " + fmt(wd);
        lastFit = "fit " + epochs + " epochs" + at + ": running";
        try {
            boolean completed = run(epochs, wd, setting, lr0, mom0, all.toArray(Callback[]::new), false);
            ResultsTable t = recorder.results();
            lastFit = (completed ? "fit " + epochs + " epochs" : "fit stopped by a callback after " + t.size() + " of "
                    + epochs + " epochs") + at + (t.size() > 0 ? ", valid_loss " + fmt(t.finalValidLoss()) : "");
        } catch (TrainingDivergedException d) {
            lastFit = "fit" + at + " diverged in epoch " + (d.epoch() + 1) + "; weights kept from before that batch";
            throw d;
        } catch (CancellationException c) {
            lastFit = "fit" + at + " interrupted after " + recorder.results().size() + " of " + epochs
                    + " epochs; weights as after the last completed batch";
            throw c;
        } finally {
            epochsTrained += recorder.results().size();
        }
    }

    /** fastai's {@code lr_find()}: 100 batches from 1e-7 to 10; weights and optimiser restored. */
    public LrFind lrFind() {
        return lrFind(1e-7, 10, 100);
    }

    /**
     * Trains {@code numIt} batches with the learning rate growing exponentially from
     * {@code startLr} to {@code endLr}, stopping early when the loss diverges; afterwards the
     * weights, running statistics and optimiser state are put back as they were. It runs the
     * loop with its own callback only, so results() and the recorder keep the last fit.
     */
    public LrFind lrFind(double startLr, double endLr, int numIt) {
        Checks.lr("startLr", startLr);
        Checks.lr("endLr", endLr);
        if (startLr >= endLr) {
            throw new IllegalArgumentException("startLr " + fmt(startLr) + " must be below endLr " + fmt(endLr));
        }
        if (numIt < 1) {
            throw new IllegalArgumentException("numIt must be at least 1, got " + numIt);
        }
        LrFinder finder = new LrFinder(startLr, endLr, numIt);
        int nb = dls.train().size();
        try {
            // As fastai: as many passes over the training loader as numIt needs, each reshuffled.
            run((numIt + nb - 1) / nb, wd, "lrFind's endLr " + fmt(endLr), startLr, 0.9, new Callback[] {finder}, true);
        } catch (TrainingDivergedException diverged) {
            // the end of the search: the learning rate is past anything usable
        }
        return finder.result();
    }

    /** The mean loss over every validation row (fastai's valid_loss), in evaluation mode. */
    public double validate() {
        return validate(dls.valid()).get("valid_loss");
    }

    /**
     * fastai's {@code validate(dl=...)}: the mean loss and each metric over every row of {@code dl}
     * (a test set, say), in evaluation mode: {@code {valid_loss=..., rmse=...}}.
     */
    public Map<String, Double> validate(Loader dl) {
        if (running != null) {
            throw new IllegalStateException("validate() cannot run inside a fit or lrFind; use a metric (learn.metrics(...)).");
        }
        Evaluation ev = new Evaluation(metrics);
        running = new Callback[] {ev};
        try {
            try {
                validPass(dl);
            } catch (Callback.CancelValidException e) {
                // nothing more to add up
            }
            ev.afterValidate(this);
        } finally {
            end();
        }
        return ev.values();
    }

    // ---- the loop ------------------------------------------------------------------------

    // fastai's _do_fit: epochs until the last or until a callback cancels the fit. Returns whether
    // every epoch ran.
    private boolean run(int epochs, double wd, String setting, double lr0, double mom0, Callback[] cbs, boolean lrFind) {
        opt();
        if (rollback == null) {
            rollback = new Rollback(model);
        }
        running = cbs;
        nEpoch = epochs;
        fitWd = wd;
        lrSetting = setting;
        finding = lrFind;
        lr = lr0;
        mom = mom0;
        epoch = iter = 0;
        pctTrain = 0;
        boolean completed = true;
        try {
            try {
                for (Callback cb : cbs) cb.beforeFit(this);
                for (epoch = 0; epoch < nEpoch; epoch++) {
                    oneEpoch();
                }
            } catch (Callback.CancelFitException e) {
                completed = false;
            }
            for (Callback cb : cbs) cb.afterFit(this);
            return completed;
        } finally {
            try {
                for (Callback cb : cbs) cb.cleanupFit(this);
            } finally {
                end();
            }
        }
    }

    private void end() {
        running = null;
        batch = null;
        pred = null;
        training = false;
        finding = false;
    }

    private static final int VALID_CHUNK = 4096;

    private void oneEpoch() {
        Callback[] cbs = running;
        try {
            for (Callback cb : cbs) cb.beforeEpoch(this);
            Loader train = dls.train();
            try {
                training = true;
                model.train();
                nIter = train.size();
                for (Callback cb : cbs) cb.beforeTrain(this);
                allBatches(train);
            } catch (Callback.CancelTrainException e) {
                // on to afterTrain
            }
            for (Callback cb : cbs) cb.afterTrain(this);
            try {
                validPass(dls.valid());
            } catch (Callback.CancelValidException e) {
                // on to afterValidate
            }
            for (Callback cb : cbs) cb.afterValidate(this);
        } catch (Callback.CancelEpochException e) {
            // on to afterEpoch
        }
        for (Callback cb : cbs) cb.afterEpoch(this);
    }

    // Validation needs no gradients and, in eval mode, no batch statistics, so it runs in large
    // chunks: the mean over all rows is the same, with far fewer calls into the engine.
    private void validPass(Loader valid) {
        Loader chunks = valid.withBs(VALID_CHUNK);
        training = false;
        model.eval();
        nIter = chunks.size();
        for (Callback cb : running) cb.beforeValidate(this);
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
                    throw Divergence.interrupted(this);
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

    // fastai's one_batch: forward and loss; when training, backward and an optimiser step.
    private void oneBatch() {
        Callback[] cbs = running;
        if (training) {
            pctTrain = (double) (epoch * nIter + iter) / ((long) nIter * nEpoch);
        }
        try {
            for (Callback cb : cbs) cb.beforeBatch(this);
            if (training) {
                trainBatch(cbs);
            } else {
                pred = model.forward(batch.x());
                for (Callback cb : cbs) cb.afterPred(this);
                lossValue = loss.apply(pred, batch.y()).toFloatArray()[0];
                for (Callback cb : cbs) cb.afterLoss(this);
            }
        } catch (Callback.CancelBatchException e) {
            // on to afterBatch
        }
        for (Callback cb : cbs) cb.afterBatch(this);
    }

    // A loss that is not finite, or has exploded, takes no step (and computes no gradient); a step
    // Adam refuses changes nothing. Either way the running statistics the forward pass moved are
    // put back, so the model is exactly as it was before this batch, and the exception says what
    // to change.
    private void trainBatch(Callback[] cbs) {
        float[][] saved = rollback.save();
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            pred = model.forward(batch.x());
            for (Callback cb : cbs) cb.afterPred(this);
            NDArray l = loss.apply(pred, batch.y());
            float value = l.toFloatArray()[0];
            lossValue = value;
            if (Double.isNaN(firstLoss) && Float.isFinite(value)) {
                firstLoss = value;
            }
            boolean exploded = firstLoss > 0 && value > EXPLODED * firstLoss;
            if (!Float.isFinite(value) || exploded) {
                rollback.restore(saved);
                throw Divergence.diverged(this, exploded ? Divergence.Kind.EXPLODED : Divergence.Kind.NOT_FINITE,
                        firstLoss);
            }
            for (Callback cb : cbs) cb.afterLoss(this);
            for (Callback cb : cbs) cb.beforeBackward(this);
            gc.backward(l);
        }
        for (Callback cb : cbs) cb.beforeStep(this);
        if (!opt.step(lr, mom, fitWd)) {
            rollback.restore(saved);
            throw Divergence.diverged(this, Divergence.Kind.STEP_REFUSED, firstLoss);
        }
        for (Callback cb : cbs) cb.afterStep(this);
    }

    // For Divergence's messages.
    boolean inLrFind() { return finding; }

    String lrSetting() { return lrSetting; }

    /** What a jshell user wants to know at a glance. */
    @Override
    public String toString() {
        String lossName = loss.getClass().isHidden() || loss.getClass().isSynthetic() ? "custom loss" : loss.toString();
        return "Learner(model: " + model.getClass().getSimpleName() + ", data: " + dls + ", loss: " + lossName
                + (metrics.isEmpty() ? "" : ", metrics: " + metrics.stream().map(Metric::name).toList())
                + ", wd: " + fmt(wd) + ", epochs trained: " + epochsTrained + ", last fit: " + lastFit + ")";
    }
}
