package dev.fastbook.collab.train;

import static dev.fastbook.collab.train.Checks.fmt;

import ai.djl.ndarray.NDArray;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.DataLoader;
import dev.fastbook.collab.data.DataLoaders;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.train.optim.Adam;
import dev.fastbook.collab.train.optim.SparseGradients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

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
public class Learner<D extends DataLoaders, M extends Module> {
    /** fastai's default weight decay for Adam. */
    public static final double DEFAULT_WD = 0.01;
    /** The largest learning rate accepted: the end of lrFind's range, past which training diverges. */
    public static final double MAX_LR = 10;
    /** A finite loss this many times the first batch's counts as diverged. */
    public static final double EXPLODED = 1e4;

    private final D dls;
    private final M model;
    private final Loss loss;
    private final Recorder recorder = new Recorder();
    private final List<Callback> cbs = new ArrayList<>();
    private List<Metric> metrics = List.of();
    private double wd = DEFAULT_WD;
    private boolean quiet;
    private Adam opt;
    private boolean lazyUpdates;
    final FusedChoice fusedChoice = new FusedChoice(this);

    private final TrainLoop loop;
    private final Fits fits;

    /** A learner on any {@link DataLoaders}: the ratings' {@link CollabDataLoaders}, or a sampler's. */
    public Learner(D dls, M model, Loss loss) {
        this.dls = dls;
        this.model = model;
        this.loss = loss;
        this.loop = new TrainLoop(this, model, loss);
        this.fits = new Fits(this, loop);
    }

    /** A learner with fastai's {@code MSELossFlat}. */
    public Learner(D dls, M model) {
        this(dls, model, Loss.mse());
    }

    /** Adds a callback for every later fit (fastai's {@code add_cb}). */
    public Learner<D, M> addCb(Callback cb) {
        cbs.add(cb);
        return this;
    }

    public Learner<D, M> addCbs(Callback... more) {
        cbs.addAll(List.of(more));
        return this;
    }

    public Learner<D, M> removeCb(Callback cb) {
        cbs.remove(cb);
        return this;
    }

    /** The callbacks added with {@link #addCb} (the Recorder and the live table are always there too). */
    public List<Callback> cbs() {
        return List.copyOf(cbs);
    }

    /** fastai's {@code metrics=...}: columns of the results table, computed over the whole validation set. */
    public Learner<D, M> metrics(Metric... ms) {
        metrics = Checks.metricNames(List.of(ms));
        return this;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    /** Calls {@code listener} with each epoch's row as soon as it is done (e.g. to log or measure). */
    public Learner<D, M> afterEpoch(Consumer<ResultsTable.Row> listener) {
        return addCb(new EpochListener(listener));
    }

    /**
     * Trains without showing progress or the results table (fastai's {@code no_bar()} and
     * {@code no_logging()}), e.g. for many fits in a sweep; {@link #results()} still has every epoch.
     */
    public Learner<D, M> quiet() {
        quiet = true;
        return this;
    }

    public boolean isQuiet() {
        return quiet;
    }

    /** Sets the weight decay used when a fit call gives none. */
    public Learner<D, M> wd(double weightDecay) {
        Checks.wd(weightDecay);
        this.wd = weightDecay;
        return this;
    }

    /** The model being trained. */
    public M model() {
        return model;
    }

    /**
     * The DataLoaders as given, of their own type: a {@link CollabDataLoaders}' vocabularies are
     * {@code learn.dls().classes()}.
     */
    public D dls() {
        return dls;
    }

    public Loss lossFunc() {
        return loss;
    }

    /** The recorder: every batch's loss and learning rate and every epoch's results, for plots. */
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
    public Learner<D, M> lazyUpdates(boolean on) {
        if (opt != null && opt.isLazy() != on) {
            throw new IllegalStateException("The optimiser already exists (" + (opt.isLazy() ? "lazy" : "exact")
                    + "): call lazyUpdates(" + on + ") before the first fit or lrFind.");
        }
        lazyUpdates = on;
        fusedChoice.lazy = on;
        return this;
    }

    /** true: fits take the fused path (see lib's README; a fit fails saying why where it cannot); false: DJL. */
    public Learner<D, M> fused(boolean on) {
        fusedChoice.fused = on;
        return this;
    }

    /** The path the next fit takes, and why: {@code "fused"} or {@code "DJL: <reason>"}. */
    public String trainingPath() {
        return fusedChoice.describe(cbs.toArray(Callback[]::new));
    }

    /** The optimiser, created on first fit and kept across fits as fastai does. */
    public Adam opt() {
        if (opt == null) {
            opt = new Adam(model, lazyUpdates, SparseGradients.on(model));
        }
        return opt;
    }

    // ---- what a callback reads (and, for lr and mom, sets) during a fit ------------------

    public int epoch() {
        return loop.epoch;
    }

    public int nEpoch() {
        return loop.nEpoch;
    }

    /** The batch's index in its loader (training or validation). */
    public int iter() {
        return loop.iter;
    }

    /** Batches in the loader being run. */
    public int nIter() {
        return loop.nIter;
    }

    /** Whether the loop is in a training batch (false in validation). */
    public boolean training() {
        return loop.training;
    }

    /** How far through the fit's training batches, in [0, 1). */
    public double pctTrain() {
        return loop.pctTrain;
    }

    /** The learning rate this training batch's step uses. */
    public double lr() {
        return loop.lr;
    }

    public double mom() {
        return loop.mom;
    }

    /** The weight decay of the running fit, else the default one. */
    public double wd() {
        return loop.running != null ? loop.wd : wd;
    }

    /** For a callback's {@code beforeBatch}: the learning rate of this batch's step. */
    public void setLr(double lr) {
        loop.lr = lr;
    }

    public void setMom(double mom) {
        loop.mom = mom;
    }

    /** The batch being run ({@code x}, {@code y}); its arrays are freed after {@code afterBatch}. */
    public Batch batch() {
        return loop.batch;
    }

    /** The model's output for the batch, from {@code afterPred}. */
    public NDArray pred() {
        return loop.pred;
    }

    /** The batch's loss, from {@code afterLoss}. */
    public double loss() {
        return loop.lossValue;
    }

    // ---- fitting -------------------------------------------------------------------------

    /** fastai's {@code fit_one_cycle(epochs, lr_max)} with the learner's weight decay. */
    public void fitOneCycle(int epochs, double lrMax) {
        fitOneCycle(epochs, lrMax, wd);
    }

    /** fastai's {@code fit_one_cycle(epochs, lr_max, wd=wd, cbs=...)}; the callbacks are for this fit only. */
    public void fitOneCycle(int epochs, double lrMax, double wd, Callback... extra) {
        Checks.settings(epochs, "lrMax", lrMax, wd);
        fits.run(epochs, wd, "lrMax " + fmt(lrMax), Double.NaN, Double.NaN, extra, Schedule.OneCycle.of(lrMax));
    }

    /** fastai's {@code fit(epochs, lr)}: a constant learning rate, momentum 0.9. */
    public void fit(int epochs, double lr) {
        fit(epochs, lr, wd);
    }

    public void fit(int epochs, double lr, double wd, Callback... extra) {
        Checks.settings(epochs, "lr", lr, wd);
        fits.run(epochs, wd, "lr " + fmt(lr), lr, 0.9, extra);
    }

    /** fastai's {@code lr_find()}: 100 batches from 1e-7 to 10; weights and optimiser restored. */
    public SuggestedLRs lrFind() {
        return lrFind(1e-7, 10, 100);
    }

    /**
     * Trains {@code numIt} batches with the learning rate growing exponentially from
     * {@code startLr} to {@code endLr}, stopping early when the loss diverges; afterwards the
     * weights, running statistics and optimiser state are put back as they were. It runs the
     * loop with its own callback only, so results() and the recorder keep the last fit.
     */
    public SuggestedLRs lrFind(double startLr, double endLr, int numIt) {
        return LRFinder.search(loop, dls.train(), wd, startLr, endLr, numIt);
    }

    /** The mean loss over every validation row (fastai's valid_loss), in evaluation mode. */
    public double validate() {
        return validate(dls.valid()).get("valid_loss");
    }

    /**
     * fastai's {@code validate(dl=...)}: the mean loss and each metric over every row of {@code dl}
     * (a test set, say), in evaluation mode: {@code {valid_loss=..., rmse=...}}.
     */
    public Map<String, Double> validate(DataLoader dl) {
        Evaluation ev = new Evaluation(metrics);
        loop.validate(dl, ev);
        return ev.values();
    }

    // For Divergence's messages.
    boolean inLrFind() {
        return loop.finding;
    }

    String lrSetting() {
        return loop.lrSetting;
    }

    /** What a jshell user wants to know at a glance. */
    @Override
    public String toString() {
        String lossName = loss.getClass().isHidden() || loss.getClass().isSynthetic() ? "custom loss" : loss.toString();
        return "Learner(model: " + model.getClass().getSimpleName() + ", data: " + dls + ", loss: " + lossName
                + (metrics.isEmpty()
                        ? ""
                        : ", metrics: " + metrics.stream().map(Metric::name).toList())
                + ", wd: " + fmt(wd) + ", epochs trained: " + fits.epochsTrained() + ", last fit: " + fits.lastFit()
                + ")";
    }
}
