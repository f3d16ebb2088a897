package dev.fastbook.collab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.fastbook.collab.data.TabDataLoader;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.train.fused.DotBiasStep;

/**
 * A learner's choice of training path: the fused one ({@link DotBiasStep}) where it applies, or
 * as {@link Learner#fused} says; otherwise DJL. It says why the fused path cannot run, since a
 * fit that quietly takes the slower path would leave a user guessing.
 */
final class FusedChoice {
    private final Learner<?, ?> learn;
    Boolean fused; // null: whenever it applies
    boolean lazy; // the learner's lazyUpdates
    int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
    private DotBiasStep step;

    FusedChoice(Learner<?, ?> learn) {
        this.learn = learn;
    }

    /** {@code "fused"} or {@code "DJL: <reason>"} for a fit with these callbacks. */
    String describe(Callback[] cbs) {
        String why = whyNot(cbs);
        return why == null ? "fused" : "DJL: " + why;
    }

    /** The fused step for a fit with these callbacks, or null for the DJL path. */
    DotBiasStep stepFor(Callback[] cbs) {
        String why = whyNot(cbs);
        if (why != null) {
            if (Boolean.TRUE.equals(fused)) {
                throw new IllegalStateException("learn.fused(true), but the fused path cannot train this fit: " + why
                        + ". Use learn.fused(false) for the DJL path.");
            }
            return null;
        }
        if (step == null) {
            step = new DotBiasStep((EmbeddingDotBias) learn.model(), learn.opt(), threads);
        }
        return step;
    }

    private String whyNot(Callback[] cbs) {
        if (Boolean.FALSE.equals(fused)) {
            return "learn.fused(false)";
        }
        if (learn.model().getClass() != EmbeddingDotBias.class) {
            return "the model is " + learn.model().getClass().getSimpleName() + ", not EmbeddingDotBias";
        }
        if (!(learn.lossFunc() instanceof Loss.MseLossFlat)) {
            return "the loss is " + learn.lossFunc() + ", not Loss.mse()";
        }
        if (!(learn.dls().train() instanceof TabDataLoader)) {
            return "the training batches come from "
                    + learn.dls().train().getClass().getSimpleName() + ", not a TabDataLoader";
        }
        if (lazy) {
            return "lazyUpdates(true) is on";
        }
        long weights = 0;
        for (var p : learn.model().parameters()) {
            NDArray a = p.array();
            weights += a.size();
            if (!p.parameter().requiresGradient()
                    || a.getDataType() != DataType.FLOAT32
                    || !"cpu".equals(a.getDevice().getDeviceType())) {
                return "parameter " + p.name() + " is frozen or not float32 on the CPU";
            }
        }
        if (fused == null && weights > DotBiasStep.AUTO_MAX_WEIGHTS) {
            return "the model has " + weights + " weights, above the " + DotBiasStep.AUTO_MAX_WEIGHTS
                    + " up to which fits take the fused path unasked (it keeps a copy of them, their gradient and"
                    + " moving averages; learn.fused(true) takes it anyway)";
        }
        for (Callback cb : cbs) {
            if (cb.needsTensors()) {
                return "callback " + cb.getClass().getName() + " needs tensors (see Callback.needsTensors)";
            }
        }
        return null;
    }
}
