package dev.fastbook.collab.train;

import dev.fastbook.collab.display.Display;
import dev.fastbook.collab.display.Displayable;
import dev.fastbook.collab.display.Plots;
import org.knowm.xchart.XYChart;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code lr_find} found: the learning rates tried, the smoothed losses, and fastai's three
 * suggestions: valley (the default), minimum/10 and steepest descent.
 */
public final class LrFind implements Displayable {
    private final double[] lrs;
    private final double[] losses;
    private final Map<String, Double> suggestions = new LinkedHashMap<>();
    private final Map<String, Double> suggestionLosses = new LinkedHashMap<>();

    LrFind(List<Double> allLrs, List<Double> allLosses, int numIt) {
        // fastai drops the first tenth and the last five points before suggesting.
        int from = Math.min(numIt / 10, allLrs.size());
        int to = Math.max(from, allLrs.size() - 5);
        lrs = allLrs.subList(from, to).stream().mapToDouble(Double::doubleValue).toArray();
        losses = allLosses.subList(from, to).stream().mapToDouble(Double::doubleValue).toArray();
        if (lrs.length < 2) {
            throw new IllegalStateException("lrFind stopped after " + allLrs.size()
                    + " batches, too early to suggest anything: the loss diverged at once. Try a smaller start lr.");
        }
        valley();
        minimum();
        steep();
    }

    // The longest run of decreasing loss; pick a point a little past its middle.
    private void valley() {
        int n = losses.length;
        int[] lds = new int[n];
        java.util.Arrays.fill(lds, 1);
        int maxStart = 0, maxEnd = 0;
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (losses[i] < losses[j] && lds[i] < lds[j] + 1) {
                    lds[i] = lds[j] + 1;
                }
                if (lds[maxEnd] < lds[i]) {
                    maxEnd = i;
                    maxStart = maxEnd - lds[maxEnd];
                }
            }
        }
        double sections = (maxEnd - maxStart) / 3.0;
        int idx = maxStart + (int) sections + (int) (sections / 2);
        put("valley", lrs[idx], losses[idx]);
    }

    private void minimum() {
        int best = 0;
        for (int i = 1; i < losses.length; i++) {
            if (losses[i] < losses[best]) {
                best = i;
            }
        }
        suggestions.put("minimum", lrs[best] / 10);
        suggestionLosses.put("minimum", losses[best]);
    }

    private void steep() {
        int best = 0;
        double bestGrad = Double.POSITIVE_INFINITY;
        for (int i = 0; i + 1 < losses.length; i++) {
            double g = (losses[i + 1] - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i]));
            if (g < bestGrad) {
                bestGrad = g;
                best = i;
            }
        }
        put("steep", lrs[best], losses[best]);
    }

    private void put(String name, double lr, double loss) {
        suggestions.put(name, lr);
        suggestionLosses.put(name, loss);
    }

    /** The default suggestion. */
    public double valleyLr() {
        return suggestions.get("valley");
    }

    public Map<String, Double> suggestions() {
        return Map.copyOf(suggestions);
    }

    public double[] lrs() {
        return lrs.clone();
    }

    public double[] losses() {
        return losses.clone();
    }

    /** fastai's {@code plot_lr_find}: loss against a log-scale learning rate, suggestions marked. */
    public XYChart plot() {
        return Plots.lrFind(lrs, losses, suggestions);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SuggestedLRs(");
        suggestions.forEach((k, v) -> sb.append(sb.length() > 13 ? ", " : "").append(k).append('=')
                .append(String.format(Locale.ROOT, "%.6g", v)));
        return sb.append(')').toString();
    }

    @Override
    public Map<String, String> mimeBundle() {
        String png = Base64.getEncoder().encodeToString(Plots.png(plot()));
        return Displayable.htmlAndText("<pre>" + Display.escape(toString()) + "</pre><img src=\"data:image/png;base64," + png + "\"/>",
                toString());
    }

    static {
        Display.ensureRegistered();
    }
}
