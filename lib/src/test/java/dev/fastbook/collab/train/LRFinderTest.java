package dev.fastbook.collab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastbook.collab.display.Plots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * lr_find's suggestions on a constructed loss curve whose answers are known. The expected indices
 * were worked out by hand and checked against fastai's own valley/minimum/steep (transcribed from
 * fastai/callback/schedule.py and run on the same curve).
 */
class LRFinderTest {

    private static final int NUM_IT = 100;

    /** The lr of batch i, as Learner.lrFind schedules it: 1e-7 to 10, exponentially. */
    private static double lr(int i) {
        return Schedule.exp(1e-7, 10, (double) i / NUM_IT);
    }

    /**
     * Flat at 2.0 to batch 29; down by 0.01 a batch to batch 60 (1.66), with one drop of 0.05 from
     * batch 40 to 41, the steepest; then up by 0.1 a batch. Two traps: a dip to 1.0 at batch 5 (in
     * the first tenth, which fastai skips) and to 0.5 in the last five batches (skipped too).
     */
    private static double loss(int i) {
        if (i == 5) {
            return 1.0;
        }
        if (i < 30) {
            return 2.0;
        }
        if (i <= 60) {
            return 2.0 - 0.01 * (i - 30) - (i > 40 ? 0.04 : 0);
        }
        return i >= 95 ? 0.5 : 1.66 + 0.1 * (i - 60);
    }

    private static SuggestedLRs constructed() {
        List<Double> lrs = new ArrayList<>(), losses = new ArrayList<>();
        for (int i = 0; i < NUM_IT; i++) {
            lrs.add(lr(i));
            losses.add(loss(i));
        }
        return new SuggestedLRs(lrs, losses, NUM_IT);
    }

    @Test
    void suggestionsOnAKnownCurve() {
        Map<String, Double> s = constructed().suggestions();
        assertEquals(List.of("valley", "minimum", "steep"), List.copyOf(s.keySet()));
        // Valley: the longest decreasing run is batches 30..60 (lds 31, start index 19 in the
        // window that begins at batch 10); 19 + int(31/3) + int(31/6) = 34 -> batch 44.
        assertEquals(lr(44), s.get("valley"), 1e-12 * lr(44));
        // Minimum: the lowest loss after the first tenth and before the last five is batch 60.
        assertEquals(lr(60) / 10, s.get("minimum"), 1e-12 * lr(60));
        // Steep: the biggest drop per log-lr step starts at batch 40.
        assertEquals(lr(40), s.get("steep"), 1e-12 * lr(40));
        assertEquals(lr(44), constructed().valleyLr(), 1e-12 * lr(44));
    }

    @Test
    void suggestionsAreMarkedOnTheCurveWhereFastaiDrawsThem() {
        SuggestedLRs found = constructed();
        List<Plots.Mark> marks = found.marks();
        assertEquals(3, marks.size());
        assertMark(marks.get(0), "valley", lr(44), loss(44));
        assertMark(marks.get(1), "minimum", lr(60), loss(60)); // at the minimum, not at minimum / 10
        assertMark(marks.get(2), "steep", lr(40), loss(40));

        XYChart chart = found.plot();
        XYSeries curve = chart.getSeriesMap().get("loss");
        // The plot shows every batch but the last five, the skipped first tenth included.
        assertEquals(NUM_IT - SuggestedLRs.SKIP_END, curve.getXData().length);
        assertEquals(lr(0), curve.getXData()[0]);
        assertTrue(chart.getStyler().isXAxisLogarithmic());
        // Each marker is one series of one point, and that point is a vertex of the curve.
        for (Plots.Mark m : marks) {
            XYSeries point = chart.getSeriesMap().get(m.label());
            assertArrayEquals(new double[] {m.x()}, point.getXData());
            int at = indexOf(curve.getXData(), m.x());
            assertTrue(at >= 0, m + " is not at a learning rate of the curve");
            assertEquals(curve.getYData()[at], point.getYData()[0], 0, m + " is off the curve");
        }
    }

    private static void assertMark(Plots.Mark mark, String name, double x, double y) {
        assertTrue(mark.label().startsWith(name + ": "), mark.label());
        assertEquals(x, mark.x(), 1e-12 * x, mark.toString());
        assertEquals(y, mark.y(), 1e-12, mark.toString());
    }

    private static int indexOf(double[] xs, double x) {
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == x) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void suggestionsStopAtTheFirstNaN() {
        List<Double> lrs = new ArrayList<>(), losses = new ArrayList<>();
        for (int i = 0; i < NUM_IT; i++) {
            lrs.add(lr(i));
            // Going down to batch 50, NaN from 51: without the cut the minimum could not be 50.
            losses.add(i <= 50 ? 3.0 - 0.01 * i : i == 51 ? Double.NaN : 0.1);
        }
        SuggestedLRs found = new SuggestedLRs(lrs, losses, NUM_IT);
        assertEquals(lr(50) / 10, found.suggestions().get("minimum"), 1e-12 * lr(50));
    }

    @Test
    void aRunThatStartsAtTheFirstPointDoesNotWrapAround() {
        // Two points in the window (batches 10 and 11), decreasing: fastai's index comes out as -1,
        // which Python reads as the last point; we take the first.
        List<Double> lrs = new ArrayList<>(), losses = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            lrs.add(lr(i));
            losses.add(2.0 - 0.1 * i);
        }
        SuggestedLRs found = new SuggestedLRs(lrs, losses, NUM_IT);
        assertEquals(lr(10), found.valleyLr(), 1e-12 * lr(10));
    }

    @Test
    void tooFewBatchesSayWhatToDo() {
        List<Double> lrs = new ArrayList<>(), losses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lrs.add(lr(i));
            losses.add(1.0);
        }
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> new SuggestedLRs(lrs, losses, NUM_IT));
        assertTrue(
                e.getMessage().contains("ran 12 of 100 batches")
                        && e.getMessage().contains("Try"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SuggestedLRs(List.of(1e-3), List.of(), NUM_IT));
    }

    @Test
    void printsLikeFastaisSuggestedLRs() {
        SuggestedLRs found = constructed();
        String text = found.toString();
        assertEquals(
                String.format(
                        java.util.Locale.ROOT,
                        "SuggestedLRs(valley=%.6g, minimum=%.6g, steep=%.6g)",
                        lr(44),
                        lr(60) / 10,
                        lr(40)),
                text);
        Map<String, String> bundle = found.mimeBundle();
        assertEquals(text, bundle.get("text/plain"));
        assertTrue(bundle.get("text/html").contains("data:image/png;base64,iVBORw0KGgo"), "the plot as a PNG");
    }
}
