package dev.fastbook.collab.train;

import static dev.fastbook.collab.train.Checks.fmt;

import java.util.List;

/**
 * fastai's {@code TrackerCallback}: follows one column of the results table ({@code monitor},
 * {@code valid_loss} by default) and knows, after each epoch, whether it reached a new best. Lower
 * is better for the losses and for metrics that say so ({@link Metric#lowerIsBetter()}, rmse and
 * mae among them); an improvement must beat the best by more than {@code minDelta}.
 */
public abstract class TrackerCallback implements Callback {
    @Override
    public boolean needsTensors() {
        return false;
    }

    private final String monitor;
    private final double minDelta;
    private Boolean lowerIsBetter; // null: from the column, at the start of each fit
    private boolean lower;
    protected double best;
    protected int bestEpoch;
    protected boolean newBest;
    protected int nanEpoch = -1;

    protected TrackerCallback(String monitor, double minDelta) {
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("minDelta must be 0 or more, got " + minDelta);
        }
        if (monitor == null || monitor.isBlank()) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + "'s monitor is " + (monitor == null ? "null" : "blank")
                            + ": name a column of the results table, e.g. \"valid_loss\" (the default) or a metric's name.");
        }
        this.monitor = monitor;
        this.minDelta = minDelta;
    }

    /** Overrides the direction the monitored column improves in. */
    public TrackerCallback lowerIsBetter(boolean lowerIsBetter) {
        this.lowerIsBetter = lowerIsBetter;
        return this;
    }

    public String monitor() {
        return monitor;
    }

    /** The best value seen in the last fit (NaN before one). */
    public double best() {
        return best;
    }

    /** The epoch (from 0) of the best value. */
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public void beforeFit(Learner<?, ?> learn) {
        check(learn);
        lower = lowerIsBetter != null
                ? lowerIsBetter
                : learn.metrics().stream()
                        .filter(m -> m.name().equals(monitor))
                        .findFirst()
                        .map(Metric::lowerIsBetter)
                        .orElse(true);
        best = lower ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        bestEpoch = -1;
        newBest = false;
        nanEpoch = -1;
    }

    // The learner calls this before a fit starts, so a misspelt column costs only the message.
    void check(Learner<?, ?> learn) {
        List<String> columns =
                ResultsTable.columns(learn.metrics().stream().map(Metric::name).toList());
        if (!columns.contains(monitor)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " monitors " + monitor
                    + ", which is not a column of the results table: choose one of " + columns
                    + (monitor.equals("rmse") || monitor.equals("mae")
                            ? ", or add the metric: learn.metrics(Metric." + monitor + "())"
                            : "")
                    + ".");
        }
    }

    /** After the Recorder and the table (the epoch's row is there) and after callbacks at the default order,
     * which so see every epoch, also the one an early stop ends on. */
    @Override
    public int order() {
        return 10;
    }

    @Override
    public void afterEpoch(Learner<?, ?> learn) {
        double value = learn.results().last().value(monitor);
        if (Double.isNaN(value) && nanEpoch < 0) {
            nanEpoch = learn.epoch();
            System.out.println(getClass().getSimpleName() + ": " + monitor + " was NaN at epoch " + nanEpoch + "; a NaN"
                    + " never counts as an improvement (as in fastai, whose comparison is false for NaN). The loss or a"
                    + " metric became NaN: check the data for missing values and try a lower learning rate.");
        }
        // false for NaN, as fastai's np.less / np.greater
        newBest = lower ? value < best - minDelta : value > best + minDelta;
        if (newBest) {
            best = value;
            bestEpoch = learn.epoch();
        }
    }

    /** The first epoch of the last fit whose monitored value was NaN, or -1. */
    public int nanEpoch() {
        return nanEpoch;
    }

    String describe(double value) {
        return monitor + " " + fmt(value);
    }
}
