package dev.fastbook.collab.train;

import dev.fastbook.collab.display.Plots;
import org.knowm.xchart.XYChart;

import java.util.ArrayList;
import java.util.List;

/**
 * fastai's {@code Recorder}: per training batch the learning rate, momentum and smoothed loss,
 * per epoch the validation loss; and the results table.
 */
public final class Recorder {
    private final List<Double> lrs = new ArrayList<>();
    private final List<Double> moms = new ArrayList<>();
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
        moms.clear();
        losses.clear();
        validIters.clear();
        validLosses.clear();
    }

    double batch(double lr, double mom, double loss) {
        count++;
        smooth = BETA * smooth + (1 - BETA) * loss;
        double value = smooth / (1 - Math.pow(BETA, count));
        lrs.add(lr);
        moms.add(mom);
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

    public List<Double> moms() {
        return List.copyOf(moms);
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
}
