package dev.fastbook.collab.implicit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.train.Loss;
import dev.fastbook.collab.train.Metric;

/**
 * Bayesian Personalised Ranking (Rendle et al., 2009) around any model that scores
 * {@code [user, item]} rows: its forward pass takes {@link BprDataLoader}'s {@code [user, positive,
 * negative]} rows and returns the positive item's score minus the negative's; {@link #loss()}
 * pushes that margin up. The wrapped model is trained in place, so it ranks items afterwards
 * (e.g. the chapter's {@code EmbeddingDotBias} built without a y range).
 *
 * <pre>{@code
 * var bpr = new Bpr<>(new EmbeddingDotBias(64, nUsers, nItems, null));
 * var learn = new Learner<>(bprDls, bpr, Bpr.loss());
 * learn.fitOneCycle(10, 5e-3, 0.01);
 * bpr.scorer()   // the trained ranking model
 * }</pre>
 */
public class Bpr<M extends Module> extends Module {
    public final M scorer;

    /** Trains {@code scorer} through the pairwise loss on {@code [user, liked item, sampled item]} rows. */
    public Bpr(M scorer) {
        this.scorer = scorer;
    }

    /** The model that scores (user, item) pairs, trained through the pairwise loss. */
    public M scorer() {
        return scorer;
    }

    @Override
    public NDArray forward(NDArray x) {
        if (x.getShape().dimension() != 2 || x.getShape().get(1) != 3) {
            throw new IllegalArgumentException(
                    "Bpr takes [user, positive, negative] rows (a BprDataLoader's batches), got shape " + x.getShape());
        }
        NDList c = x.split(3, 1);
        // one pass over [user, pos] rows stacked on [user, neg] rows
        NDArray pairs = c.get(0).concat(c.get(1), 1).concat(c.get(0).concat(c.get(2), 1), 0);
        NDArray scores = scorer.forward(pairs).reshape(-1);
        NDList halves = scores.split(2);
        return halves.get(0).sub(halves.get(1));
    }

    /**
     * The BPR loss: {@code -mean(log(sigmoid(margin)))} over the margins {@link #forward} returns,
     * computed as {@code mean(softplus(-margin))} so a large margin never takes the log of 0. The
     * targets are ignored.
     */
    public static Loss loss() {
        return new Loss() {
            @Override
            public NDArray apply(NDArray margin, NDArray ignored) {
                NDArray z = margin.neg();
                // softplus(z) = max(z, 0) + log(1 + exp(-|z|)), stable for any z
                return z.maximum(0f).add(z.abs().neg().exp().add(1f).log()).mean();
            }

            @Override
            public String toString() {
                return "BPRLoss()";
            }
        };
    }

    /** The share of pairs whose rated item outscores the unrated one (a sampled AUC), as a results-table column. */
    public static Metric pairAccuracy() {
        return Metric.higherIsBetter(
                "pair_accuracy",
                (margin, ignored) -> margin.gt(0f)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .mean()
                        .getFloat());
    }

    @Override
    protected String extraRepr() {
        return "";
    }
}
