package dev.fastbook.collab.train;

import ai.djl.ndarray.NDArray;
import java.util.function.ToDoubleBiFunction;

/**
 * fastai's {@code Metric}: a figure over the whole validation set, shown as a column of the results
 * table ({@code learn.metrics(Metric.rmse())}, fastai's {@code metrics=rmse}). It is reset before
 * validation, sees every validation batch ({@code learn.batch()}, {@code learn.pred()}) and gives
 * its value after the last. Lower is better unless {@link #lowerIsBetter()} says otherwise.
 */
public interface Metric {
    String name();

    void reset();

    /** Adds one validation batch: {@code learn.batch()} holds x and y, {@code learn.pred()} the model's output. */
    void accumulate(Learner<?, ?> learn);

    /** The value over every batch accumulated since {@link #reset()}; NaN when there were none. */
    double value();

    /** Which way {@link EarlyStoppingCallback} and {@link SaveModelCallback} count an improvement. */
    default boolean lowerIsBetter() {
        return true;
    }

    /** fastai's {@code rmse}: the root of the mean squared error over every validation row. */
    static Metric rmse() {
        return new MeanMetric("rmse", d -> d * d, Math::sqrt);
    }

    /** fastai's {@code mae}: the mean absolute error over every validation row. */
    static Metric mae() {
        return new MeanMetric("mae", Math::abs, v -> v);
    }

    /**
     * fastai's {@code AccumMetric}: {@code fn(preds, targs)} over the whole validation set's
     * predictions and targets, each flattened into one float array, e.g.
     * {@code Metric.of("max_err", (p, t) -> p.sub(t).abs().max().getFloat())}. Lower is better.
     */
    static Metric of(String name, ToDoubleBiFunction<NDArray, NDArray> fn) {
        return new AccumMetric(name, fn, true);
    }

    /** As {@link #of(String, ToDoubleBiFunction)} for a metric where higher is better (an accuracy, say). */
    static Metric higherIsBetter(String name, ToDoubleBiFunction<NDArray, NDArray> fn) {
        return new AccumMetric(name, fn, false);
    }
}
