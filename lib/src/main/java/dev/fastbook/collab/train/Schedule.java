package dev.fastbook.collab.train;

/** fastai's annealing functions and the one-cycle policy built from them (a callback, as fastai's ParamScheduler). */
public final class Schedule {
    private Schedule() {}

    /** {@code start + (1 + cos(pi * (1 - p))) * (end - start) / 2}: fastai's {@code SchedCos}. */
    public static double cos(double start, double end, double p) {
        return start + (1 + Math.cos(Math.PI * (1 - p))) * (end - start) / 2;
    }

    /** {@code start * (end / start)^p}: fastai's {@code SchedExp}, used by lrFind. */
    public static double exp(double start, double end, double p) {
        return start * Math.pow(end / start, p);
    }

    /**
     * fastai's {@code fit_one_cycle} schedule at position {@code pos} in [0, 1] of all training
     * batches: the learning rate warms from lrMax/div to lrMax over the first pctStart, then
     * anneals to lrMax/divFinal; momentum goes 0.95 -> 0.85 -> 0.95 over the same phases. As a
     * callback it sets each training batch's learning rate and momentum from {@code learn.pctTrain()}.
     */
    public record OneCycle(double lrMax, double div, double divFinal, double pctStart, double momHigh, double momLow)
            implements Callback {
        /** fastai's defaults around {@code lrMax}: div 25, div_final 1e5, pct_start 0.25, momentum 0.95 to 0.85. */
        public static OneCycle of(double lrMax) {
            return new OneCycle(lrMax, 25, 1e5, 0.25, 0.95, 0.85);
        }

        @Override
        public boolean needsTensors() {
            return false;
        }

        public double lr(double pos) {
            return pos < pctStart
                    ? cos(lrMax / div, lrMax, pos / pctStart)
                    : cos(lrMax, lrMax / divFinal, (pos - pctStart) / (1 - pctStart));
        }

        public double mom(double pos) {
            return pos < pctStart
                    ? cos(momHigh, momLow, pos / pctStart)
                    : cos(momLow, momHigh, (pos - pctStart) / (1 - pctStart));
        }

        /** Before the Recorder, which records the rate each batch used. */
        @Override
        public int order() {
            return -30;
        }

        @Override
        public void beforeBatch(Learner<?, ?> learn) {
            if (learn.training()) {
                learn.setLr(lr(learn.pctTrain()));
                learn.setMom(mom(learn.pctTrain()));
            }
        }
    }
}
