package dev.fastbook.collab.train;

import dev.fastbook.collab.display.Display;
import dev.fastbook.collab.display.Displayable;
import dev.fastbook.collab.display.Plots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * What {@code lr_find} found: the learning rate and smoothed loss of every batch tried, and
 * fastai's three suggestions: valley (the default), minimum (the lr of the lowest loss, divided
 * by ten) and steep (the steepest descent).
 *
 * <p>As in fastai, suggestions ignore the first tenth of the batches and the last five, and stop
 * at the first NaN loss; the plot shows every batch but the last five, with each suggestion
 * marked at its point of the curve.
 */
public final class SuggestedLRs implements Displayable {
    /** fastai's {@code skip_end}: the last batches, where the loss shoots up, stay out. */
    static final int SKIP_END = 5;

    private final double[] lrs;
    private final double[] losses;
    private final Map<String, Double> suggestions = new LinkedHashMap<>();
    private final List<Plots.Mark> marks = new ArrayList<>();

    /**
     * @param allLrs    the learning rate of every batch run
     * @param allLosses the smoothed loss after each of those batches
     * @param numIt     the number of batches asked for (fastai skips the first numIt / 10)
     */
    SuggestedLRs(List<Double> allLrs, List<Double> allLosses, int numIt) {
        if (allLrs.size() != allLosses.size()) {
            throw new IllegalArgumentException("need one loss per learning rate, got " + allLrs.size()
                    + " learning rates and " + allLosses.size() + " losses");
        }
        lrs = allLrs.stream().mapToDouble(Double::doubleValue).toArray();
        losses = allLosses.stream().mapToDouble(Double::doubleValue).toArray();
        int from = Math.min(numIt / 10, lrs.length);
        int to = Math.max(from, lrs.length - SKIP_END);
        for (int i = from; i < to; i++) {
            if (Double.isNaN(losses[i])) {
                to = i;
                break;
            }
        }
        if (to - from < 2) {
            throw new IllegalStateException("lrFind ran " + lrs.length + " of " + numIt
                    + " batches, too few to suggest anything (it skips the first " + numIt / 10 + " and the last "
                    + SKIP_END + "): the loss diverged early. Try a smaller end lr or more iterations.");
        }
        double[] l = Arrays.copyOfRange(losses, from, to);
        double[] r = Arrays.copyOfRange(lrs, from, to);
        valley(r, l);
        minimum(r, l);
        steep(r, l);
    }

    // fastai's valley: the longest decreasing subsequence of the loss, a point a little past its
    // middle. fastai's start index can come out as -1 (a run that starts at the first point),
    // which Python reads as the last point; here it is the first.
    private void valley(double[] r, double[] l) {
        int n = l.length;
        int[] lds = new int[n];
        Arrays.fill(lds, 1);
        int maxStart = 0, maxEnd = 0;
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (l[i] < l[j] && lds[i] < lds[j] + 1) {
                    lds[i] = lds[j] + 1;
                }
                if (lds[maxEnd] < lds[i]) {
                    maxEnd = i;
                    maxStart = maxEnd - lds[maxEnd];
                }
            }
        }
        double sections = (maxEnd - maxStart) / 3.0;
        int idx = Math.max(0, maxStart + (int) sections + (int) (sections / 2));
        suggest("valley", r[idx], r[idx], l[idx], "");
    }

    // The lr at the lowest loss, over ten; marked at the lowest loss itself, as fastai does.
    private void minimum(double[] r, double[] l) {
        int best = 0;
        for (int i = 1; i < l.length; i++) {
            if (l[i] < l[best]) {
                best = i;
            }
        }
        // The legend says why this marker sits ten times to the right of the suggested value.
        suggest("minimum", r[best] / 10, r[best], l[best], " (marked lr / 10)");
    }

    // The start of the steepest drop of loss against log(lr).
    private void steep(double[] r, double[] l) {
        int best = 0;
        double bestGrad = Double.POSITIVE_INFINITY;
        for (int i = 0; i + 1 < l.length; i++) {
            double g = (l[i + 1] - l[i]) / (Math.log(r[i + 1]) - Math.log(r[i]));
            if (g < bestGrad) {
                bestGrad = g;
                best = i;
            }
        }
        suggest("steep", r[best], r[best], l[best], "");
    }

    private void suggest(String name, double lr, double markLr, double markLoss, String note) {
        suggestions.put(name, lr);
        marks.add(new Plots.Mark(String.format(Locale.ROOT, "%s: %.2e%s", name, lr, note), markLr, markLoss));
    }

    /** The default suggestion. */
    public double valleyLr() {
        return suggestions.get("valley");
    }

    /** valley, minimum and steep, in that order. */
    public Map<String, Double> suggestions() {
        return Collections.unmodifiableMap(suggestions);
    }

    /** Where the plot marks each suggestion: (lr, loss) points of the curve. */
    public List<Plots.Mark> marks() {
        return List.copyOf(marks);
    }

    /** The learning rate of every batch run. */
    public double[] lrs() {
        return lrs.clone();
    }

    /** The smoothed loss after every batch run. */
    public double[] losses() {
        return losses.clone();
    }

    /** fastai's {@code plot_lr_find}: loss against a log-scale learning rate, suggestions marked on the curve. */
    public XYChart plot() {
        int shown = Math.max(1, lrs.length - SKIP_END);
        return Plots.lrFind(Arrays.copyOf(lrs, shown), Arrays.copyOf(losses, shown), marks);
    }

    /** fastai's {@code SuggestedLRs(valley=..., minimum=..., steep=...)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SuggestedLRs(");
        String sep = "";
        for (Map.Entry<String, Double> s : suggestions.entrySet()) {
            sb.append(sep).append(s.getKey()).append('=').append(String.format(Locale.ROOT, "%.6g", s.getValue()));
            sep = ", ";
        }
        return sb.append(')').toString();
    }

    @Override
    public Map<String, String> mimeBundle() {
        String png = Base64.getEncoder().encodeToString(Plots.png(plot()));
        return Displayable.htmlAndText(
                "<pre>" + Display.escape(toString()) + "</pre><img src=\"data:image/png;base64," + png + "\"/>",
                toString());
    }
}
