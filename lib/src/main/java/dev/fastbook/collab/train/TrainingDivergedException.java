package dev.fastbook.collab.train;

/**
 * Training stopped because a batch's loss, or the optimiser step it would have taken, was not a
 * finite number. The learner's weights and optimiser state are those from before that batch, so
 * the model still predicts and {@code validate()} still works; the message says which setting to
 * change.
 */
public class TrainingDivergedException extends ArithmeticException {
    private final int epoch;
    private final int batch;
    private final double lr;
    private final double loss;

    TrainingDivergedException(String message, int epoch, int batch, double lr, double loss) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
        this.lr = lr;
        this.loss = loss;
    }

    /** The epoch (from 0) of the failing batch, or -1 in lrFind. */
    public int epoch() {
        return epoch;
    }

    /** The failing batch's index in its epoch (from 0). */
    public int batch() {
        return batch;
    }

    /** The learning rate the failing batch was given. */
    public double lr() {
        return lr;
    }

    /** The failing batch's loss (may be finite when the optimiser step is what failed). */
    public double loss() {
        return loss;
    }
}
