package dev.fastbook.collab.train;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One fit (or lrFind) at a time in a JVM: DJL's PyTorch engine collects gradients for one
 * training at a time ("A PtGradientCollector is already collecting") and every model draws from
 * the one random generator {@code Tensors.seed} sets, so a second fit started from another thread
 * is refused with the reason instead of dying mid-epoch or giving irreproducible weights.
 */
final class OneFitAtATime {
    private record Holder(Learner<?, ?> learner, Thread thread) {}

    private static final AtomicReference<Holder> HOLDER = new AtomicReference<>();

    private OneFitAtATime() {}

    /** Takes the JVM's one fit for {@code learn}; true when this call took it (and must release it). */
    static boolean enter(Learner<?, ?> learn, String what) {
        while (!HOLDER.compareAndSet(null, new Holder(learn, Thread.currentThread()))) {
            if (HOLDER.get() != null) {
                check(learn, what);
                return false;
            }
        }
        return true;
    }

    /** Refuses {@code what} while another learner, or another thread, holds the fit; changes nothing. */
    static void check(Learner<?, ?> learn, String what) {
        Holder other = HOLDER.get();
        if (other == null || other.learner() == learn && other.thread() == Thread.currentThread()) {
            return; // free, or the same learner's own nested call, e.g. from one of its callbacks
        }
        throw new IllegalStateException(
                "Cannot start " + what + ": another Learner is fitting in this JVM (in thread '"
                        + other.thread().getName() + "'). Fits run one at a time: the PyTorch engine"
                        + " collects gradients for one training at a time, and all models share the random generator that"
                        + " Tensors.seed sets. Wait until that fit ends (run the fits one after another), or train in separate JVMs.");
    }

    static void exit() {
        HOLDER.set(null);
    }
}
