package dev.fastbook.collab.train;

import dev.fastbook.collab.train.optim.Adam;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * fastai's {@code SaveModelCallback}: keeps the weights of the epoch with the best monitored value
 * ({@code valid_loss} by default) and puts them back when the fit ends (also when an
 * {@link EarlyStoppingCallback} ends it). The weights are kept in memory, or in {@link #fname}'s
 * file; {@link #withOpt} keeps the optimiser state too, so training can go on from the best epoch
 * exactly. A fit that fails (diverges, is interrupted) restores nothing: its exception says what
 * the weights are.
 *
 * <pre>{@code
 * learn.fitOneCycle(10, 5e-3, 0.1, new SaveModelCallback("rmse"));
 * }</pre>
 */
public class SaveModelCallback extends TrackerCallback {
    private boolean withOpt;
    private boolean restoreAtEnd = true;
    private Path fname;
    private List<float[]> weights;
    private Adam.State opt;

    /** Monitors {@code valid_loss}, as fastai. */
    public SaveModelCallback() {
        this("valid_loss");
    }

    /** Keeps the weights of the epoch with the best {@code monitor} (a results-table column). */
    public SaveModelCallback(String monitor) {
        this(monitor, 0);
    }

    /** As above, counting only improvements larger than {@code minDelta}. */
    public SaveModelCallback(String monitor, double minDelta) {
        super(monitor, minDelta);
    }

    /** fastai's {@code with_opt}: keeps the optimiser state of the best epoch too. */
    public SaveModelCallback withOpt(boolean on) {
        withOpt = on;
        return this;
    }

    /** fastai's {@code fname}: keeps the best weights in this file (written atomically), not in memory. */
    public SaveModelCallback fname(Path file) {
        fname = file;
        return this;
    }

    /** Whether the best epoch's weights come back at the end of the fit (true by default, as fastai). */
    public SaveModelCallback restoreAtEnd(boolean on) {
        restoreAtEnd = on;
        return this;
    }

    /** Before an {@link EarlyStoppingCallback}, so the epoch an early stop ends on is kept if best. */
    @Override
    public int order() {
        return 5;
    }

    @Override
    public SaveModelCallback lowerIsBetter(boolean lowerIsBetter) {
        super.lowerIsBetter(lowerIsBetter);
        return this;
    }

    // Called by the learner before the fit starts (and again at its start): a refused fit changes nothing.
    @Override
    void check(Learner<?, ?> learn) {
        super.check(learn);
        if (fname != null && Files.exists(fname)) {
            try {
                learn.model().checkSaved(fname);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "SaveModelCallback's fname " + fname + " exists and is not a saved copy of"
                                + " this model's parameters (" + e.getMessage()
                                + "); it would be overwritten. Choose another fname,"
                                + " or delete the file if it is not needed.",
                        e);
            }
        }
    }

    @Override
    public void beforeFit(Learner<?, ?> learn) {
        super.beforeFit(learn);
        weights = null;
        opt = null;
    }

    @Override
    public void afterEpoch(Learner<?, ?> learn) {
        super.afterEpoch(learn);
        if (!newBest) {
            return;
        }
        if (!learn.isQuiet()) {
            System.out.println("Better model found at epoch " + learn.epoch() + " with " + describe(best) + ".");
        }
        if (fname != null) {
            try {
                learn.model().save(fname);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "SaveModelCallback could not save the best weights to " + fname + ": " + e.getMessage(), e);
            }
        } else {
            weights = BufferSnapshot.weights(learn.model());
        }
        if (withOpt) {
            opt = learn.opt().snapshot();
        }
    }

    @Override
    public void afterFit(Learner<?, ?> learn) {
        if (bestEpoch < 0 && nanEpoch >= 0) {
            System.out.println("SaveModelCallback kept no epoch: " + monitor() + " was NaN in every epoch from epoch "
                    + nanEpoch + ", and a NaN is never an improvement. The model holds the last epoch's weights.");
        }
        if (!restoreAtEnd
                || bestEpoch < 0
                || bestEpoch == learn.results().last().epoch()) {
            return; // nothing better than what the model holds now
        }
        restore(learn);
    }

    /** Puts the best epoch's weights (and optimiser state, with {@link #withOpt}) into the learner. */
    public void restore(Learner<?, ?> learn) {
        if (bestEpoch < 0) {
            throw new IllegalStateException("No epoch has been kept yet: fit with this callback first.");
        }
        if (fname != null) {
            try {
                learn.model().load(fname);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "SaveModelCallback could not read the best weights back from " + fname + ": " + e.getMessage(),
                        e);
            }
        } else {
            BufferSnapshot.restoreWeights(learn.model(), weights);
        }
        if (opt != null) {
            learn.opt().restore(opt);
        }
    }
}
