package dev.fastbook.collab.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validation pass's figures: the mean loss over every row (fastai's {@code AvgLoss}, each
 * batch weighted by its rows) and each metric. The Recorder runs one in every epoch;
 * {@link Learner#validate} runs one on its own.
 */
final class Evaluation implements Callback {
    private final Metric[] metrics;
    private double sum, validLoss = Double.NaN;
    private long n;
    private final double[] values;

    Evaluation(List<Metric> metrics) {
        this.metrics = metrics.toArray(Metric[]::new);
        this.values = new double[this.metrics.length];
    }

    @Override
    public void beforeValidate(Learner<?, ?> learn) {
        sum = 0;
        n = 0;
        validLoss = Double.NaN;
        for (Metric m : metrics) {
            m.reset();
        }
    }

    @Override
    public void afterBatch(Learner<?, ?> learn) {
        if (learn.training() || learn.pred() == null) {
            return;
        }
        int size = learn.batch().size();
        sum += (float) learn.loss() * size;
        n += size;
        for (Metric m : metrics) {
            m.accumulate(learn);
        }
    }

    @Override
    public void afterValidate(Learner<?, ?> learn) {
        validLoss = sum / n;
        for (int i = 0; i < metrics.length; i++) {
            values[i] = metrics[i].value();
        }
    }

    double validLoss() {
        return validLoss;
    }

    /** {@code valid_loss} then each metric, by name, in the table's column order. */
    Map<String, Double> values() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("valid_loss", validLoss);
        out.putAll(metricValues());
        return out;
    }

    Map<String, Double> metricValues() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < metrics.length; i++) {
            out.put(metrics[i].name(), values[i]);
        }
        return out;
    }
}
