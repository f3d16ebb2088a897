package dev.fastbook.collab.train;

import static dev.fastbook.collab.train.Checks.fmt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * A learner's fits: each runs on its loop with the learner's callbacks and its own, in order, and
 * leaves a one-line account of how it ended and how many epochs it trained (the learner's toString).
 */
final class Fits {
    private final Learner<?, ?> learn;
    private final TrainLoop loop;
    private int epochsTrained;
    private String lastFit = "not trained yet";

    Fits(Learner<?, ?> learn, TrainLoop loop) {
        this.learn = learn;
        this.loop = loop;
    }

    void run(int epochs, double wd, String setting, double lr0, double mom0, Callback[] extra, Callback... schedule) {
        Recorder recorder = learn.recorder();
        List<Callback> all = new ArrayList<>(List.of(schedule));
        all.add(recorder);
        if (!learn.isQuiet()) {
            all.add(Progress.create());
        }
        all.addAll(learn.cbs());
        all.addAll(List.of(extra));
        all.sort(Comparator.comparingInt(Callback::order));
        for (Callback cb : all) {
            if (cb instanceof TrackerCallback t) {
                t.check(learn); // before the Recorder starts a new table: a refused fit changes nothing
            }
        }
        OneFitAtATime.check(learn, "fit"); // before anything changes: a refused fit leaves the learner as it was
        Checks.batches(learn.dls().train(), "fit");
        String at = " at " + setting + ", wd " + fmt(wd);
        lastFit = "fit " + epochs + " epochs" + at + ": running";
        try {
            boolean completed = loop.fit(epochs, wd, setting, lr0, mom0, all.toArray(Callback[]::new), false);
            ResultsTable t = recorder.results();
            lastFit = (completed
                            ? "fit " + epochs + " epochs"
                            : "fit stopped by a callback after " + t.size() + " of " + epochs + " epochs")
                    + at
                    + (t.size() > 0 ? ", valid_loss " + fmt(t.finalValidLoss()) : "");
        } catch (TrainingDivergedException d) {
            lastFit = "fit" + at + " diverged in epoch " + (d.epoch() + 1) + "; weights kept from before that batch";
            throw d;
        } catch (CancellationException c) {
            lastFit = "fit" + at + " interrupted after " + recorder.results().size() + " of " + epochs
                    + " epochs; weights as after the last completed batch";
            throw c;
        } finally {
            epochsTrained += recorder.results().size();
        }
    }

    int epochsTrained() {
        return epochsTrained;
    }

    String lastFit() {
        return lastFit;
    }
}
