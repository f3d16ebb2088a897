package dev.fastbook.collab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.core.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;

/**
 * fastai's {@code Learner}: DataLoaders, a model and a loss, trained with fastai's Adam by
 * {@link #fit} or {@link #fitOneCycle}, showing the results table as it goes.
 *
 * <pre>{@code
 * var learn = new Learner<>(dls, model, Loss.mse());
 * learn.fitOneCycle(5, 5e-3, 0.1);
 * }</pre>
 */
public class Learner<M extends Module> {
    /** fastai's default weight decay for Adam. */
    public static final double DEFAULT_WD = 0.01;

    private final CollabDataLoaders dls;
    private final M model;
    private final Loss loss;
    private final Recorder recorder = new Recorder();
    private double wd = DEFAULT_WD;
    private Adam opt;
    private boolean lazyUpdates;
    private final List<Consumer<ResultsTable.Row>> afterEpoch = new ArrayList<>();

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

    /** Sets the weight decay used when a fit call gives none. */
    public Learner<M> wd(double weightDecay) {
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
            opt = new Adam(model, lazyUpdates);
        }
        return opt;
    }

    /** fastai's {@code fit_one_cycle(epochs, lr_max)} with the learner's weight decay. */
    public void fitOneCycle(int epochs, double lrMax) {
        fitOneCycle(epochs, lrMax, wd);
    }

    /** fastai's {@code fit_one_cycle(epochs, lr_max, wd=wd)}. */
    public void fitOneCycle(int epochs, double lrMax, double wd) {
        Schedule.OneCycle cycle = Schedule.OneCycle.of(lrMax);
        fit(epochs, wd, cycle::lr, cycle::mom);
    }

    /** fastai's {@code fit(epochs, lr)}: a constant learning rate, momentum 0.9. */
    public void fit(int epochs, double lr) {
        fit(epochs, lr, wd);
    }

    public void fit(int epochs, double lr, double wd) {
        fit(epochs, wd, pos -> lr, pos -> 0.9);
    }

    private void fit(int epochs, double wd, DoubleUnaryOperator lrAt,
            DoubleUnaryOperator momAt) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        Adam adam = opt();
        recorder.beginFit();
        ResultsTable table = recorder.results();
        Progress progress = Progress.create();
        int nb = dls.trainBatches();
        progress.begin(table, epochs, nb);
        for (int epoch = 0; epoch < epochs; epoch++) {
            long t0 = System.nanoTime();
            model.train();
            int[] order = dls.shuffledTrainOrder();
            double smooth = Double.NaN;
            for (int b = 0; b < nb; b++) {
                double pos = (double) (epoch * nb + b) / ((long) nb * epochs);
                double lr = lrAt.applyAsDouble(pos);
                double mom = momAt.applyAsDouble(pos);
                float l = trainStep(order, b, lr, mom, wd, adam);
                smooth = recorder.batch(lr, mom, l);
                progress.batch(epoch, b, smooth);
            }
            double valid = validate();
            recorder.epoch(valid);
            ResultsTable.Row row = new ResultsTable.Row(epoch, smooth, valid, (System.nanoTime() - t0) / 1e9);
            table.add(row);
            progress.epoch(table, row);
            afterEpoch.forEach(l -> l.accept(row));
        }
        progress.end(table);
    }

    // One batch: forward, loss, backward, optimiser step. Every array made on the way lives in the
    // batch's scope and is freed at its end, after the step (autograd may read them until then).
    private float trainStep(int[] order, int b, double lr, double mom, double wd, Adam adam) {
        try (NDManager bm = Tensors.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Batch batch = dls.trainBatch(bm, order, b * dls.bs());
            float value;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray l = loss.apply(model.forward(batch.x()), batch.y());
                gc.backward(l);
                value = l.toFloatArray()[0];
            }
            if (!Float.isFinite(value)) {
                throw new ArithmeticException("The training loss became " + value + " at lr " + lr
                        + ": lower the learning rate.");
            }
            adam.step(lr, mom, wd);
            return value;
        }
    }

    // Validation needs no gradients and, in eval mode, no batch statistics, so it runs in large
    // chunks: the mean over all rows is the same, with far fewer calls into the engine.
    private static final int VALID_CHUNK = 4096;

    /** The mean loss over every validation row (fastai's valid_loss), in evaluation mode. */
    public double validate() {
        model.eval();
        return Tensors.noGrad(() -> {
            double sum = 0;
            int n = 0;
            for (int from = 0; from < dls.validSize(); from += VALID_CHUNK) {
                try (NDManager bm = Tensors.manager().newSubManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    Batch batch = dls.validRows(bm, from, VALID_CHUNK);
                    sum += loss.apply(model.forward(batch.x()), batch.y()).toFloatArray()[0] * batch.size();
                    n += batch.size();
                }
            }
            return sum / n;
        });
    }

    /** fastai's {@code lr_find()}: 100 batches from 1e-7 to 10; weights and optimiser restored. */
    public LrFind lrFind() {
        return lrFind(1e-7, 10, 100);
    }

    public LrFind lrFind(double startLr, double endLr, int numIt) {
        Adam adam = opt();
        Adam.State saved = adam.snapshot();
        List<NDArray> weights = model.parameterArrays();
        List<NDArray> savedWeights = weights.stream().map(NDArray::duplicate).toList();
        List<Double> lrs = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        Recorder rec = new Recorder();
        rec.beginFit();
        double best = Double.POSITIVE_INFINITY;
        try {
            model.train();
            int nb = dls.trainBatches();
            int[] order = dls.shuffledTrainOrder();
            for (int it = 0; it < numIt; it++) {
                if (it > 0 && it % nb == 0) {
                    order = dls.shuffledTrainOrder();
                }
                double lr = Schedule.exp(startLr, endLr, (double) it / numIt);
                float l;
                try {
                    l = trainStep(order, it % nb, lr, 0.9, wd, adam);
                } catch (ArithmeticException diverged) {
                    break;
                }
                double smooth = rec.batch(lr, 0.9, l);
                lrs.add(lr);
                losses.add(smooth);
                best = Math.min(best, smooth);
                if (smooth > 4 * best) {
                    break; // stop_div: the loss is diverging
                }
            }
        } finally {
            adam.restore(saved);
            for (int i = 0; i < weights.size(); i++) {
                Tensors.copyInto(savedWeights.get(i), weights.get(i));
            }
        }
        return new LrFind(lrs, losses, numIt);
    }
}
