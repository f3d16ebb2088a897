package dev.fastbook.collab.train;

import static dev.fastbook.collab.train.Checks.fmt;

import dev.fastbook.collab.data.DataLoader;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.train.optim.Adam;
import java.util.ArrayList;
import java.util.List;

/**
 * fastai's {@code LRFinder} callback: the learning rate grows exponentially from startLr to endLr
 * over numIt training batches; the run stops when they are done or the smoothed loss passes four
 * times its best (fastai's stop_div). Validation is skipped. The weights, running statistics and
 * optimiser state are put back however the run ends.
 */
final class LRFinder implements Callback {
    private final double startLr, endLr;
    private final int numIt;
    private final Recorder smoother = new Recorder();
    private final List<Double> lrs = new ArrayList<>(), losses = new ArrayList<>();
    private double best = Double.POSITIVE_INFINITY;
    private int it;
    private Adam.State savedOpt;
    private List<float[]> savedWeights;

    LRFinder(double startLr, double endLr, int numIt) {
        this.startLr = startLr;
        this.endLr = endLr;
        this.numIt = numIt;
    }

    @Override
    public void beforeFit(Learner<?, ?> learn) {
        savedOpt = learn.opt().snapshot();
        savedWeights = BufferSnapshot.weights(learn.model());
        smoother.beginFit();
    }

    @Override
    public void beforeBatch(Learner<?, ?> learn) {
        learn.setLr(Schedule.exp(startLr, endLr, (double) it / numIt));
        learn.setMom(0.9);
    }

    @Override
    public void afterBatch(Learner<?, ?> learn) {
        double smooth = smoother.batch(learn.lr(), learn.loss());
        lrs.add(learn.lr());
        losses.add(smooth);
        best = Math.min(best, smooth);
        it++;
        if (smooth > 4 * best || it >= numIt) {
            throw new CancelFitException();
        }
    }

    @Override
    public void beforeValidate(Learner<?, ?> learn) {
        throw new CancelValidException();
    }

    @Override
    public void cleanupFit(Learner<?, ?> learn) {
        Module model = learn.model();
        if (savedOpt != null) {
            learn.opt().restore(savedOpt);
            BufferSnapshot.restoreWeights(model, savedWeights);
        }
    }

    /**
     * Runs the search on {@code loop} over the training loader {@code train}: as many passes as
     * {@code numIt} needs, each reshuffled, as fastai does; a divergence ends it.
     */
    static SuggestedLRs search(TrainLoop loop, DataLoader train, double wd, double startLr, double endLr, int numIt) {
        Checks.lr("startLr", startLr);
        Checks.lr("endLr", endLr);
        if (startLr >= endLr) {
            throw new IllegalArgumentException("startLr " + fmt(startLr) + " must be below endLr " + fmt(endLr));
        }
        if (numIt < 1) {
            throw new IllegalArgumentException("numIt must be at least 1, got " + numIt);
        }
        Checks.batches(train, "lrFind");
        LRFinder finder = new LRFinder(startLr, endLr, numIt);
        int nb = train.size();
        try {
            loop.fit(
                    (numIt + nb - 1) / nb,
                    wd,
                    "lrFind's endLr " + fmt(endLr),
                    startLr,
                    0.9,
                    new Callback[] {finder},
                    true);
        } catch (TrainingDivergedException diverged) {
            // the end of the search: the learning rate is past anything usable
        }
        return finder.result();
    }

    SuggestedLRs result() {
        return new SuggestedLRs(lrs, losses, numIt);
    }
}
