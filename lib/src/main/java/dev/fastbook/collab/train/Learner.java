package dev.fastbook.collab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.data.DataLoader;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.model.Parameters;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.train.optim.Adam;
import dev.fastbook.collab.train.optim.SparseGradients;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntFunction;
import java.util.function.IntToDoubleFunction;

/**
 * fastai's {@code Learner}: DataLoaders, a model and a loss, trained with fastai's Adam by
 * {@link #fit} or {@link #fitOneCycle}, showing the results table as it goes.
 *
 * <pre>{@code
 * var learn = new Learner<>(dls, model, Loss.mse());
 * learn.fitOneCycle(5, 5e-3, 0.1);
 * }</pre>
 *
 * <p>Settings are checked before any weight moves (a learning rate in (0, 10], a finite weight
 * decay of 0 or more with {@code lr * wd < 1}, at least one epoch). When a batch's loss or its
 * optimiser step is not finite, training stops with a {@link TrainingDivergedException} and the
 * weights and optimiser state are those from before that batch: a fit never leaves NaN behind.
 * An interrupt (a notebook's Kernel &gt; Interrupt) ends a fit before its next batch with a
 * {@link CancellationException}: the weights are those after the last completed batch.
 */
public class Learner<M extends Module> {
    /** fastai's default weight decay for Adam. */
    public static final double DEFAULT_WD = 0.01;
    /** The largest learning rate accepted: the end of lrFind's range, past which training diverges. */
    public static final double MAX_LR = 10;

    private final CollabDataLoaders dls;
    private final M model;
    private final Loss loss;
    private final Recorder recorder = new Recorder();
    private double wd = DEFAULT_WD;
    private boolean quiet;
    private Adam opt;
    private boolean lazyUpdates;
    private final List<Consumer<ResultsTable.Row>> afterEpoch = new ArrayList<>();
    private int epochsTrained;
    private String lastFit = "not trained yet";

    public Learner(CollabDataLoaders dls, M model, Loss loss) {
        this.dls = dls;
        this.model = model;
        this.loss = loss;
    }

    /** A learner with fastai's {@code MSELossFlat}. */
    public Learner(CollabDataLoaders dls, M model) {
        this(dls, model, Loss.mse());
    }

    /** Calls {@code listener} with each epoch's row as soon as it is done (e.g. to log or measure). */
    public Learner<M> afterEpoch(Consumer<ResultsTable.Row> listener) {
        afterEpoch.add(listener);
        return this;
    }

    /**
     * Trains without showing progress or the results table (fastai's {@code no_bar()} and
     * {@code no_logging()}), e.g. for many fits in a sweep; {@link #results()} still has every epoch.
     */
    public Learner<M> quiet() {
        quiet = true;
        return this;
    }

    /** Sets the weight decay used when a fit call gives none. */
    public Learner<M> wd(double weightDecay) {
        checkWd(weightDecay);
        this.wd = weightDecay;
        return this;
    }

    public M model() {
        return model;
    }

    public CollabDataLoaders dls() {
        return dls;
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
            opt = new Adam(model, lazyUpdates, SparseGradients.on(model));
        }
        return opt;
    }

    /** fastai's {@code fit_one_cycle(epochs, lr_max)} with the learner's weight decay. */
    public void fitOneCycle(int epochs, double lrMax) {
        fitOneCycle(epochs, lrMax, wd);
    }

    /** fastai's {@code fit_one_cycle(epochs, lr_max, wd=wd)}. */
    public void fitOneCycle(int epochs, double lrMax, double wd) {
        checkSettings(epochs, "lrMax", lrMax, wd);
        Schedule.OneCycle cycle = Schedule.OneCycle.of(lrMax);
        fit(epochs, wd, cycle::lr, cycle::mom, "lrMax " + fmt(lrMax));
    }

    /** fastai's {@code fit(epochs, lr)}: a constant learning rate, momentum 0.9. */
    public void fit(int epochs, double lr) {
        fit(epochs, lr, wd);
    }

    public void fit(int epochs, double lr, double wd) {
        checkSettings(epochs, "lr", lr, wd);
        fit(epochs, wd, pos -> lr, pos -> 0.9, "lr " + fmt(lr));
    }

    // ---- checks before training ----------------------------------------------------------

    // Everything is checked before a weight moves: a bad setting costs nothing but the message.
    private static void checkSettings(int epochs, String lrName, double lr, double wd) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        checkLr(lrName, lr);
        checkWd(wd);
        if (lr * wd >= 1) {
            // Decoupled weight decay multiplies the weights by 1 - lr*wd each step: at 1 or more
            // that zeroes them or flips their sign. Blame whichever of the two is out of the usual.
            String why = " makes lr * wd = " + fmt(lr * wd) + ": each step would multiply the weights by 1 - lr*wd = "
                    + fmt(1 - lr * wd) + ", which " + (lr * wd == 1 ? "zeroes them" : "flips their sign") + ".";
            if (wd > 1) {
                throw new IllegalArgumentException("wd " + fmt(wd) + " with " + lrName + " " + fmt(lr) + why
                        + " Lower wd below 1/" + lrName + " = " + fmt(1 / lr)
                        + " (fastai's default is 0.01; the chapter uses 0.1).");
            }
            throw new IllegalArgumentException(lrName + " " + fmt(lr) + " with wd " + fmt(wd) + why
                    + " Lower " + lrName + " below 1/wd = " + fmt(1 / wd) + " (lrFind() suggests one).");
        }
    }

    private static void checkLr(String name, double lr) {
        String hint = " Use a learning rate such as 5e-3 (lrFind() suggests one).";
        if (Double.isNaN(lr)) {
            throw new IllegalArgumentException(name + " is NaN (not a number)." + hint);
        }
        if (Double.isInfinite(lr)) {
            throw new IllegalArgumentException(name + " is " + (lr > 0 ? "infinite" : "minus infinity") + "." + hint);
        }
        if (lr <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + fmt(lr) + ": "
                    + (lr == 0 ? "at 0 nothing is learnt." : "a negative rate climbs the loss instead of descending it.")
                    + hint);
        }
        if (lr > MAX_LR) {
            throw new IllegalArgumentException(name + " " + fmt(lr) + " is above " + fmt(MAX_LR)
                    + ", the end of lrFind's range: training would diverge." + hint);
        }
    }

    private static void checkWd(double wd) {
        if (!Double.isFinite(wd) || wd < 0) {
            throw new IllegalArgumentException("wd must be a finite number of 0 or more, got " + fmt(wd)
                    + (wd < 0 ? ": a negative weight decay grows the weights every step instead of shrinking them." : ".")
                    + " fastai's default is 0.01; the chapter uses 0.1.");
        }
    }

    private static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        // Four significant digits without trailing zeros: 0.005, 2e+19, 1000.
        String g = String.format(Locale.ROOT, "%.4g", v);
        int e = g.indexOf('e');
        String mantissa = e < 0 ? g : g.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + (e < 0 ? "" : g.substring(e));
    }

    // ---- the loop ------------------------------------------------------------------------

    private void fit(int epochs, double wd, DoubleUnaryOperator lrAt, DoubleUnaryOperator momAt, String lrSetting) {
        Adam adam = opt();
        recorder.beginFit();
        ResultsTable table = recorder.results();
        Progress progress = quiet ? Progress.silent() : Progress.create();
        DataLoader train = dls.train();
        int nb = train.size();
        progress.begin(table, epochs, nb);
        lastFit = "fit " + epochs + " epochs at " + lrSetting + ", wd " + fmt(wd) + ": running";
        try {
            for (int epoch = 0; epoch < epochs; epoch++) {
                long t0 = System.nanoTime();
                model.train();
                final int e = epoch;
                double[] smooth = {Double.NaN};
                Step step = new Step(adam, wd, i -> (double) (e * nb + i) / ((long) nb * epochs), lrAt, momAt,
                        lrSetting, e, i -> "in epoch " + (e + 1) + " of " + epochs + ", batch " + (i + 1) + " of " + nb);
                allBatches(train, step, (i, size, lr, mom, l) -> {
                    smooth[0] = recorder.batch(lr, l);
                    progress.batch(e, i, smooth[0]);
                    return true;
                });
                double valid = validate();
                recorder.epoch(valid);
                epochsTrained++;
                ResultsTable.Row row = new ResultsTable.Row(epoch, smooth[0], valid, (System.nanoTime() - t0) / 1e9);
                table.add(row);
                progress.epoch(table, row);
                afterEpoch.forEach(l -> l.accept(row));
            }
            lastFit = "fit " + epochs + " epochs at " + lrSetting + ", wd " + fmt(wd) + ", valid_loss "
                    + fmt(table.finalValidLoss());
        } catch (TrainingDivergedException d) {
            lastFit = "fit at " + lrSetting + ", wd " + fmt(wd) + " diverged in epoch " + (d.epoch() + 1)
                    + "; weights kept from before that batch";
            throw d;
        } catch (CancellationException c) {
            lastFit = "fit at " + lrSetting + ", wd " + fmt(wd) + " interrupted after " + table.size() + " of " + epochs
                    + " epochs; weights as after the last completed batch";
            throw c;
        } finally {
            progress.end(table);
        }
    }

    /** What a training batch needs: the optimiser and the hyper-parameters at each batch. */
    private record Step(Adam adam, double wd, IntToDoubleFunction posAt, DoubleUnaryOperator lrAt,
            DoubleUnaryOperator momAt, String lrSetting, int epoch, IntFunction<String> where) {}

    /** Called after each batch with its loss; returns whether to go on. */
    @FunctionalInterface
    private interface AfterBatch {
        boolean accept(int i, int size, double lr, double mom, float loss);
    }

    // fastai's all_batches: `for o in enumerate(self.dl): self.one_batch(*o)`, the one loop for
    // training (step != null), validation and lrFind. The loader owns the order and the batch
    // size; each batch's arrays, and everything computed from them, are freed when it is done.
    private void allBatches(DataLoader dl, Step step, AfterBatch after) {
        int i = 0;
        for (Batch b : dl) {
            try (b; NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted(step, i);
                }
                double lr = Double.NaN, mom = Double.NaN;
                if (step != null) {
                    double pos = step.posAt().applyAsDouble(i);
                    lr = step.lrAt().applyAsDouble(pos);
                    mom = step.momAt().applyAsDouble(pos);
                }
                float l = oneBatch(i, b, step, lr, mom);
                if (!after.accept(i, b.size(), lr, mom, l)) {
                    return;
                }
            }
            i++;
        }
    }

    // fastai's one_batch: forward and loss; when training, backward and an optimiser step. A
    // non-finite loss takes no step (and computes no gradient); a step Adam refuses changes
    // nothing. Either way the running statistics the forward pass moved are put back, so the
    // model is exactly as it was before this batch, and the exception says what to change.
    private float oneBatch(int i, Batch b, Step step, double lr, double mom) {
        if (step == null) {
            return loss.apply(model.forward(b.x()), b.y()).toFloatArray()[0];
        }
        float[][] saved = snapshotBuffers();
        float value;
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray l = loss.apply(model.forward(b.x()), b.y());
            value = l.toFloatArray()[0];
            if (Float.isFinite(value)) {
                gc.backward(l);
            }
        }
        boolean stepped = Float.isFinite(value) && step.adam().step(lr, mom, step.wd());
        if (!stepped) {
            restoreBuffers(saved);
            throw diverged(i, step, value, lr, Float.isFinite(value));
        }
        return value;
    }

    // Kernel > Interrupt interrupts the cell's thread; DJL's native calls never look at that flag,
    // so the loop does, before each batch. The flag is left set: the caller was interrupted too.
    private static CancellationException interrupted(Step step, int i) {
        String state = step != null && step.epoch() < 0
                ? "lrFind puts the weights and optimiser state back as they were before it."
                : "The weights and optimiser state are those after the last completed batch;"
                        + " results() has the epochs that finished.";
        return new CancellationException((step == null ? "Validation interrupted before batch " + (i + 1)
                : "Training interrupted " + step.where().apply(i) + ", before that batch ran") + ". " + state);
    }

    private TrainingDivergedException diverged(int i, Step step, float value, double lr, boolean stepRefused) {
        String what = stepRefused
                ? "the optimiser step would have made weights or their moving averages infinite or NaN (loss " + value + ")"
                : "the loss became " + value;
        String advice = step.wd() > 1
                ? "wd " + fmt(step.wd()) + " is unusually large (fastai's default is 0.01; the chapter uses 0.1):"
                        + " lower it, or lower the learning rate (" + step.lrSetting() + ")."
                : "Lower the learning rate (" + step.lrSetting() + "), e.g. to a tenth of it, or pick one with lrFind().";
        return new TrainingDivergedException("Training diverged " + step.where().apply(i) + " at lr " + fmt(lr) + ": "
                + what + ". The weights and optimiser state are as they were before that batch. " + advice,
                step.epoch(), i, lr, value);
    }

    // Buffers (BatchNorm's running statistics) move in the forward pass, outside the optimiser.
    private List<NDArray> buffers;

    private float[][] snapshotBuffers() {
        if (buffers == null) {
            buffers = new ArrayList<>();
            for (Parameters.Named p : model.parameters()) {
                if (!p.parameter().requiresGradient()) {
                    buffers.add(p.array());
                }
            }
        }
        float[][] out = new float[buffers.size()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = buffers.get(k).toFloatArray();
        }
        return out;
    }

    private void restoreBuffers(float[][] saved) {
        for (int k = 0; k < saved.length; k++) {
            NDArray target = buffers.get(k);
            Tensors.copyInto(Tensors.manager().create(saved[k], target.getShape()), target);
        }
    }

    // Validation needs no gradients and, in eval mode, no batch statistics, so it runs in large
    // chunks: the mean over all rows is the same, with far fewer calls into the engine.
    private static final int VALID_CHUNK = 4096;

    /** The mean loss over every validation row (fastai's valid_loss), in evaluation mode. */
    public double validate() {
        model.eval();
        DataLoader valid = dls.valid().withBs(VALID_CHUNK);
        double[] sum = {0};
        long[] n = {0};
        Tensors.noGrad(() -> {
            allBatches(valid, null, (i, size, lr, mom, l) -> {
                sum[0] += l * size;
                n[0] += size;
                return true;
            });
            return null;
        });
        return sum[0] / n[0];
    }

    /** fastai's {@code lr_find()}: 100 batches from 1e-7 to 10; weights and optimiser restored. */
    public LrFind lrFind() {
        return lrFind(1e-7, 10, 100);
    }

    /**
     * Trains {@code numIt} batches with the learning rate growing exponentially from
     * {@code startLr} to {@code endLr}, stopping early when the loss diverges; afterwards the
     * weights, running statistics and optimiser state are put back as they were.
     */
    public LrFind lrFind(double startLr, double endLr, int numIt) {
        checkLr("startLr", startLr);
        checkLr("endLr", endLr);
        if (startLr >= endLr) {
            throw new IllegalArgumentException("startLr " + fmt(startLr) + " must be below endLr " + fmt(endLr));
        }
        if (numIt < 1) {
            throw new IllegalArgumentException("numIt must be at least 1, got " + numIt);
        }
        Adam adam = opt();
        Adam.State saved = adam.snapshot();
        List<NDArray> weights = model.parameterArrays();
        List<NDArray> savedWeights = weights.stream().map(NDArray::duplicate).toList();
        List<Double> lrs = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        Recorder rec = new Recorder();
        rec.beginFit();
        try {
            model.train();
            DataLoader train = dls.train();
            int[] it = {0};
            double[] best = {Double.POSITIVE_INFINITY};
            boolean[] stop = {false};
            Step step = new Step(adam, wd, i -> (double) it[0] / numIt, pos -> Schedule.exp(startLr, endLr, pos),
                    pos -> 0.9, "lrFind's endLr " + fmt(endLr), -1, i -> "in lrFind at batch " + (it[0] + 1));
            // As fastai: as many passes over the training loader as numIt needs, each reshuffled.
            while (!stop[0] && it[0] < numIt) {
                allBatches(train, step, (i, size, lr, mom, l) -> {
                    double smooth = rec.batch(lr, l);
                    lrs.add(lr);
                    losses.add(smooth);
                    best[0] = Math.min(best[0], smooth);
                    it[0]++;
                    stop[0] = smooth > 4 * best[0]; // stop_div: the loss is diverging
                    return !stop[0] && it[0] < numIt;
                });
            }
        } catch (TrainingDivergedException diverged) {
            // the end of the search: the learning rate is past anything usable
        } finally {
            adam.restore(saved);
            for (int i = 0; i < weights.size(); i++) {
                Tensors.copyInto(savedWeights.get(i), weights.get(i));
            }
        }
        return new LrFind(lrs, losses, numIt);
    }

    /** What a jshell user wants to know at a glance. */
    @Override
    public String toString() {
        String lossName = loss.getClass().isHidden() || loss.getClass().isSynthetic() ? "custom loss" : loss.toString();
        return "Learner(model: " + model.getClass().getSimpleName() + ", data: " + dls + ", loss: " + lossName
                + ", wd: " + fmt(wd) + ", epochs trained: " + epochsTrained + ", last fit: " + lastFit + ")";
    }
}
