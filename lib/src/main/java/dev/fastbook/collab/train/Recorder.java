package dev.fastbook.collab.train;

import dev.fastbook.collab.display.Plots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;

/**
 * fastai's {@code Recorder}, the callback every fit runs first: per training batch the learning
 * rate and smoothed loss, per epoch the validation loss and metrics, and the results table.
 */
public final class Recorder implements Callback {
    @Override
    public boolean needsTensors() {
        return false;
    }

    // Per batch: grown by doubling, so recording a batch allocates nothing.
    private double[] lrs = new double[1024], losses = new double[1024];
    private int batches;
    private final List<Integer> validIters = new ArrayList<>();
    private final List<Double> validLosses = new ArrayList<>();
    private ResultsTable results = new ResultsTable();
    private Evaluation eval = new Evaluation(List.of());
    private long epochStart;

    // fastai's AvgSmoothLoss: an exponential moving average (beta 0.98), debiased, reset per fit.
    private static final double BETA = 0.98;
    private double smooth, smoothLoss = Double.NaN;
    private int count;

    @Override
    public int order() {
        return -20;
    }

    @Override
    public void beforeFit(Learner<?, ?> learn) {
        eval = new Evaluation(learn.metrics());
        beginFit();
        results = new ResultsTable(learn.metrics().stream().map(Metric::name).toList());
    }

    @Override
    public void beforeEpoch(Learner<?, ?> learn) {
        epochStart = System.nanoTime();
    }

    @Override
    public void afterBatch(Learner<?, ?> learn) {
        if (learn.training()) {
            batch(learn.lr(), learn.loss());
        } else {
            eval.afterBatch(learn);
        }
    }

    @Override
    public void beforeValidate(Learner<?, ?> learn) {
        eval.beforeValidate(learn);
    }

    @Override
    public void afterValidate(Learner<?, ?> learn) {
        eval.afterValidate(learn);
    }

    @Override
    public void afterEpoch(Learner<?, ?> learn) {
        epoch(eval.validLoss());
        results.add(new ResultsTable.Row(
                learn.epoch(),
                smoothLoss,
                eval.validLoss(),
                (System.nanoTime() - epochStart) / 1e9,
                eval.metricValues()));
    }

    void beginFit() {
        smooth = 0;
        count = 0;
        smoothLoss = Double.NaN;
        results = new ResultsTable();
        batches = 0;
        validIters.clear();
        validLosses.clear();
    }

    /** Records one training batch; returns the smoothed loss. */
    double batch(double lr, double loss) {
        count++;
        smooth = BETA * smooth + (1 - BETA) * loss;
        smoothLoss = smooth / (1 - Math.pow(BETA, count));
        if (batches == lrs.length) {
            lrs = Arrays.copyOf(lrs, batches * 2);
            losses = Arrays.copyOf(losses, batches * 2);
        }
        lrs[batches] = lr;
        losses[batches++] = smoothLoss;
        return smoothLoss;
    }

    void epoch(double validLoss) {
        validIters.add(batches);
        validLosses.add(validLoss);
    }

    ResultsTable results() {
        return results;
    }

    /** fastai's {@code smooth_loss}: the smoothed training loss after the last batch (NaN before one). */
    public double smoothLoss() {
        return smoothLoss;
    }

    public List<Double> lrs() {
        return Arrays.stream(lrs, 0, batches).boxed().toList();
    }

    /** Smoothed training loss after each batch. */
    public List<Double> losses() {
        return Arrays.stream(losses, 0, batches).boxed().toList();
    }

    public List<Double> validLosses() {
        return List.copyOf(validLosses);
    }

    /** fastai's {@code plot_loss}: smoothed training loss per iteration and validation loss per epoch. */
    public XYChart plotLoss() {
        return Plots.lossCurve(
                Arrays.copyOf(losses, batches),
                validIters.stream().mapToInt(Integer::intValue).toArray(),
                validLosses.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** What was recorded, in a line or two, e.g. for jshell. */
    @Override
    public String toString() {
        if (batches == 0) {
            return "Recorder: nothing recorded yet (fit first)";
        }
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "Recorder: %d batch%s, %d epoch%s; lr %.2e..%.2e; smoothed train loss %.4f -> %.4f",
                batches,
                batches == 1 ? "" : "es",
                validLosses.size(),
                validLosses.size() == 1 ? "" : "s",
                Arrays.stream(lrs, 0, batches).min().getAsDouble(),
                Arrays.stream(lrs, 0, batches).max().getAsDouble(),
                losses[0],
                losses[batches - 1]));
        if (!validLosses.isEmpty()) {
            sb.append("; valid loss per epoch ")
                    .append(validLosses.stream()
                            .map(v -> String.format(Locale.ROOT, "%.4f", v))
                            .collect(Collectors.joining(", ")));
        }
        return sb.toString();
    }
}
