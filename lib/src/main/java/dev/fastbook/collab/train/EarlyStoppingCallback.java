package dev.fastbook.collab.train;

/**
 * fastai's {@code EarlyStoppingCallback}: ends the fit when the monitored column has not improved
 * for {@code patience} epochs. With a {@link SaveModelCallback} the best epoch's weights come back
 * at the end.
 *
 * <pre>{@code
 * learn.fitOneCycle(20, 5e-3, 0.1, new EarlyStoppingCallback("valid_loss", 2));
 * }</pre>
 */
public class EarlyStoppingCallback extends TrackerCallback {
    private final int patience;
    private int wait;
    private int stoppedAt = -1;

    /** {@code valid_loss}, patience 1, as fastai. */
    public EarlyStoppingCallback() {
        this("valid_loss", 1);
    }

    /** Stops after {@code patience} epochs in which {@code monitor} (a results-table column) did not improve. */
    public EarlyStoppingCallback(String monitor, int patience) {
        this(monitor, 0, patience);
    }

    /** As above, counting only improvements larger than {@code minDelta}; refuses a patience below 1. */
    public EarlyStoppingCallback(String monitor, double minDelta, int patience) {
        super(monitor, minDelta);
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1 epoch, got " + patience);
        }
        this.patience = patience;
    }

    @Override
    public EarlyStoppingCallback lowerIsBetter(boolean lowerIsBetter) {
        super.lowerIsBetter(lowerIsBetter);
        return this;
    }

    @Override
    public void beforeFit(Learner<?, ?> learn) {
        super.beforeFit(learn);
        wait = 0;
        stoppedAt = -1;
    }

    @Override
    public void afterEpoch(Learner<?, ?> learn) {
        super.afterEpoch(learn);
        wait = newBest ? 0 : wait + 1;
        if (wait >= patience && learn.epoch() + 1 < learn.nEpoch()) {
            stoppedAt = learn.epoch();
            if (!learn.isQuiet()) {
                System.out.println("No improvement since epoch " + (learn.epoch() - wait)
                        + (nanEpoch >= 0 ? " (" + monitor() + " was NaN at epoch " + nanEpoch + ")" : "")
                        + ": early stopping");
            }
            throw new CancelFitException();
        }
    }

    /** The epoch after which the last fit stopped, or -1 when it ran to the end. */
    public int stoppedEpoch() {
        return stoppedAt;
    }
}
