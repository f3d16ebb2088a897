package dev.fastbook.collab.train;

import java.util.Locale;

/** The settings a fit refuses before any weight moves, and how figures appear in messages. */
final class Checks {
    private Checks() {}

    // Everything is checked before a weight moves: a bad setting costs nothing but the message.
    static void settings(int epochs, String lrName, double lr, double wd) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        lr(lrName, lr);
        wd(wd);
        if (lr * wd >= 1) {
            // Decoupled weight decay multiplies the weights by 1 - lr*wd each step: at 1 or more
            // that zeroes them or flips their sign. Blame whichever of the two is out of the usual.
            String why = " makes lr * wd = " + fmt(lr * wd) + ": each step would multiply the weights by 1 - lr*wd = "
                    + fmt(1 - lr * wd) + ", which " + (lr * wd == 1 ? "zeroes them" : "flips their sign") + ".";
            if (wd > 1) {
                throw new IllegalArgumentException("wd " + fmt(wd) + " with " + lrName + " " + fmt(lr) + why
                        + " Lower wd below 1/" + lrName + " = " + fmt(1 / lr)
                        + " (fastai's default is 0.01; the chapter uses 0.1).");
            }
            throw new IllegalArgumentException(lrName + " " + fmt(lr) + " with wd " + fmt(wd) + why + " Lower " + lrName
                    + " below 1/wd = " + fmt(1 / wd) + " (lrFind() suggests one).");
        }
    }

    static void lr(String name, double lr) {
        String hint = " Use a learning rate such as 5e-3 (lrFind() suggests one).";
        if (Double.isNaN(lr)) {
            throw new IllegalArgumentException(name + " is NaN (not a number)." + hint);
        }
        if (Double.isInfinite(lr)) {
            throw new IllegalArgumentException(name + " is " + (lr > 0 ? "infinite" : "minus infinity") + "." + hint);
        }
        if (lr <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + fmt(lr) + ": "
                    + (lr == 0
                            ? "at 0 nothing is learnt."
                            : "a negative rate climbs the loss instead of descending it.")
                    + hint);
        }
        if (lr > Learner.MAX_LR) {
            throw new IllegalArgumentException(name + " " + fmt(lr) + " is above " + fmt(Learner.MAX_LR)
                    + ", the end of lrFind's range: training would diverge." + hint);
        }
    }

    static void wd(double wd) {
        if (!Double.isFinite(wd) || wd < 0) {
            throw new IllegalArgumentException("wd must be a finite number of 0 or more, got " + fmt(wd)
                    + (wd < 0
                            ? ": a negative weight decay grows the weights every step instead of shrinking them."
                            : ".")
                    + " fastai's default is 0.01; the chapter uses 0.1.");
        }
    }

    static void batches(dev.fastbook.collab.data.DataLoader train, String what) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("Cannot " + what + ": the training loader gives no batch (" + train.n()
                    + " rows in batches of " + train.bs() + ", the last partial batch dropped). Use a batch size of at"
                    + " most " + train.n() + ".");
        }
    }

    /** The results table's own columns, which no metric may be named. */
    static final java.util.List<String> TABLE_COLUMNS = java.util.List.of("epoch", "train_loss", "valid_loss", "time");

    // Each metric is a column of the results table: a repeated name, or a built-in one, would
    // silently overwrite another column's figures.
    static java.util.List<Metric> metricNames(java.util.List<Metric> metrics) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < metrics.size(); i++) {
            Metric m = metrics.get(i);
            if (m == null || m.name() == null || m.name().isBlank()) {
                throw new IllegalArgumentException("metrics[" + i + "] is " + (m == null ? "null" : "unnamed")
                        + ": give each metric a name, e.g. Metric.of(\"mae\", ...).");
            }
            if (TABLE_COLUMNS.contains(m.name())) {
                throw new IllegalArgumentException(
                        "metrics[" + i + "] is named '" + m.name() + "', a column the results" + " table already has "
                                + TABLE_COLUMNS + ": give it another name, e.g. '" + m.name() + "_2'.");
            }
            if (!seen.add(m.name())) {
                throw new IllegalArgumentException(
                        "metrics[" + i + "] is named '" + m.name() + "' like an earlier metric:"
                                + " each is a column of the results table, so give each its own name.");
            }
        }
        return java.util.List.copyOf(metrics);
    }

    /** Four significant digits without trailing zeros: 0.005, 2e+19, 1000. */
    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        String g = String.format(Locale.ROOT, "%.4g", v);
        int e = g.indexOf('e');
        String mantissa = e < 0 ? g : g.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + (e < 0 ? "" : g.substring(e));
    }
}
