package dev.fastbook.collab.train;

import static dev.fastbook.collab.train.Checks.fmt;

import java.util.concurrent.CancellationException;

/** The messages that end a fit early: where it stopped, why, and which setting to change. */
final class Divergence {
    private Divergence() {}

    enum Kind {
        NOT_FINITE,
        EXPLODED,
        STEP_REFUSED
    }

    private static String where(Learner<?, ?> learn) {
        return learn.inLrFind()
                ? "in lrFind at batch " + (learn.epoch() * learn.nIter() + learn.iter() + 1)
                : "in epoch " + (learn.epoch() + 1) + " of " + learn.nEpoch() + ", batch " + (learn.iter() + 1) + " of "
                        + learn.nIter();
    }

    static TrainingDivergedException diverged(Learner<?, ?> learn, Kind kind, double firstLoss) {
        float value = (float) learn.loss();
        String what = switch (kind) {
            case NOT_FINITE -> "the loss became " + value;
            case EXPLODED ->
                "the loss became " + fmt(value) + ", more than "
                        + String.format(java.util.Locale.ROOT, "%,.0f", Learner.EXPLODED) + " times the first batch's ("
                        + fmt(firstLoss) + "): it is diverging while still finite";
            case STEP_REFUSED ->
                "the optimiser step would have made weights or their moving averages infinite or NaN" + " (loss "
                        + value + ")";
        };
        double wd = learn.wd();
        String advice = wd > 1
                ? "wd " + fmt(wd) + " is unusually large (fastai's default is 0.01; the chapter uses 0.1):"
                        + " lower it, or lower the learning rate (" + learn.lrSetting() + ")."
                : "Lower the learning rate (" + learn.lrSetting()
                        + "), e.g. to a tenth of it, or pick one with lrFind().";
        return new TrainingDivergedException(
                "Training diverged " + where(learn) + " at lr " + fmt(learn.lr()) + ": " + what
                        + ". The weights and optimiser state are as they were before that batch. " + advice,
                learn.inLrFind() ? -1 : learn.epoch(),
                learn.iter(),
                learn.lr(),
                value);
    }

    // Kernel > Interrupt interrupts the cell's thread; DJL's native calls never look at that flag,
    // so the loop does, before each batch. The flag is left set: the caller was interrupted too.
    static CancellationException interrupted(Learner<?, ?> learn) {
        String state = learn.inLrFind()
                ? "lrFind puts the weights and optimiser state back as they were before it."
                : "The weights and optimiser state are those after the last completed batch;"
                        + " results() has the epochs that finished.";
        return new CancellationException((learn.training()
                        ? "Training interrupted " + where(learn) + ", before that batch ran"
                        : "Validation interrupted before batch " + (learn.iter() + 1))
                + ". " + state);
    }
}
