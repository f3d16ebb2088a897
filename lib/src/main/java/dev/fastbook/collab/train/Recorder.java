package dev.fastbook.collab.train;

import dev.fastbook.collab.display.Plots;
import org.knowm.xchart.XYChart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * fastai's {@code Recorder}: per training batch the learning rate and smoothed loss, per epoch
 * the validation loss; and the results table.
 */
public final class Recorder {
    private final List<Double> lrs = new ArrayList<>();
    private final List<Double> losses = new ArrayList<>();
    private final List<Integer> validIters = new ArrayList<>();
    private final List<Double> validLosses = new ArrayList<>();
    private ResultsTable results = new ResultsTable();

    // fastai's AvgSmoothLoss: an exponential moving average (beta 0.98), debiased, reset per fit.
    private static final double BETA = 0.98;
    private double smooth;
    private int count;

    void beginFit() {
        smooth = 0;
        count = 0;
        results = new ResultsTable();
        lrs.clear();
        losses.clear();
        validIters.clear();
        validLosses.clear();
    }

    /** Records one training batch; returns the smoothed loss. */
    double batch(double lr, double loss) {
        count++;
        smooth = BETA * smooth + (1 - BETA) * loss;
        double value = smooth / (1 - Math.pow(BETA, count));
        lrs.add(lr);
        losses.add(value);
        return value;
    }

    void epoch(double validLoss) {
        validIters.add(losses.size());
        validLosses.add(validLoss);
    }

    ResultsTable results() {
        return results;
    }

    public List<Double> lrs() {
        return List.copyOf(lrs);
    }

    /** Smoothed training loss after each batch. */
    public List<Double> losses() {
        return List.copyOf(losses);
    }

    public List<Double> validLosses() {
        return List.copyOf(validLosses);
    }

    /** fastai's {@code plot_loss}: smoothed training loss per iteration and validation loss per epoch. */
    public XYChart plotLoss() {
        return Plots.lossCurve(losses.stream().mapToDouble(Double::doubleValue).toArray(),
                validIters.stream().mapToInt(Integer::intValue).toArray(),
                validLosses.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** What was recorded, in a line or two, e.g. for jshell. */
    @Override
    public String toString() {
        if (losses.isEmpty()) {
            return "Recorder: nothing recorded yet (fit first)";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Recorder: %d batch%s, %d epoch%s; lr %.2e..%.2e; smoothed train loss %.4f -> %.4f",
                losses.size(), losses.size() == 1 ? "" : "es", validLosses.size(), validLosses.size() == 1 ? "" : "s",
                lrs.stream().mapToDouble(Double::doubleValue).min().getAsDouble(),
                lrs.stream().mapToDouble(Double::doubleValue).max().getAsDouble(),
                losses.get(0), losses.get(losses.size() - 1)));
        if (!validLosses.isEmpty()) {
            sb.append("; valid loss per epoch ").append(validLosses.stream()
                    .map(v -> String.format(Locale.ROOT, "%.4f", v)).collect(Collectors.joining(", ")));
        }
        return sb.toString();
    }
}
