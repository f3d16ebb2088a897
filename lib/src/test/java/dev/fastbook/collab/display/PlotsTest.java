package dev.fastbook.collab.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;

class PlotsTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** Decodes the chart's PNG and checks it is a real picture of the expected size. */
    private static BufferedImage decode(Chart<?, ?> chart) throws IOException {
        byte[] png = Plots.png(chart);
        byte[] head = new byte[8];
        System.arraycopy(png, 0, head, 0, 8);
        assertArrayEquals(PNG_SIGNATURE, head);
        assertTrue(png.length > 5_000, "suspiciously small PNG: " + png.length);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(chart.getWidth(), image.getWidth());
        assertEquals(chart.getHeight(), image.getHeight());
        return image;
    }

    /**
     * The x ticks XChart drew: evenly spaced by 1, 2, 2.5 or 5 x 10^k, each a multiple of that
     * step (so 0 is among them when the axis spans it); returns the ticks in [min, max], the ones
     * XChart draws (its list has one more on each side).
     */
    private static double[] assertRoundXTicks(XYChart chart, double min, double max) throws IOException {
        decode(chart); // ticks are computed while painting
        List<String> labels = ((Plots.Figure) chart).xTickLabels();
        double[] ticks = labels.stream()
                .mapToDouble(Double::parseDouble)
                .filter(t -> t >= min && t <= max)
                .toArray();
        assertTrue(ticks.length >= 3, "too few ticks: " + labels);
        double step = ticks[1] - ticks[0];
        double decade = Math.pow(10, Math.floor(Math.log10(step)));
        double mantissa = step / decade;
        assertTrue(
                List.of(1.0, 2.0, 2.5, 5.0).stream().anyMatch(m -> Math.abs(m - mantissa) < 1e-9),
                "tick step " + step + " is not 1, 2, 2.5 or 5 x 10^k: " + labels);
        for (int i = 0; i < ticks.length; i++) {
            assertEquals(
                    ticks[0] + i * step, ticks[i], 1e-9 * Math.max(1, Math.abs(ticks[i])), "uneven ticks " + labels);
            double k = ticks[i] / step;
            assertEquals(Math.rint(k), k, 1e-9, "tick " + ticks[i] + " is not a multiple of " + step + ": " + labels);
        }
        return ticks;
    }

    private static double[] parabola(double a, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = a * x[i] * x[i];
        }
        return y;
    }

    @Test
    void lossCurveHasTrainAndValidAndRoundIterationTicks() throws IOException {
        double[] train = new double[6250]; // 5 epochs of 1250 batches, as in the chapter
        for (int i = 0; i < train.length; i++) {
            train[i] = 1.5 * Math.exp(-i / 1000.0) + 0.6;
        }
        XYChart chart = Plots.lossCurve(
                train, new int[] {1250, 2500, 3750, 5000, 6250}, new double[] {1.0, 0.9, 0.85, 0.83, 0.82});
        double[] ticks = assertRoundXTicks(chart, 0, 6249);
        assertEquals(0, ticks[0]);
        assertTrue(ticks[1] >= 500, "ticks too dense to read: step " + ticks[1]);
        // The helper that makes XChart pick round ticks is gone once the chart is drawn.
        assertEquals(List.of("train", "valid"), List.copyOf(chart.getSeriesMap().keySet()));
        assertThrows(IllegalArgumentException.class, () -> Plots.lossCurve(train, new int[] {1}, new double[0]));
    }

    @Test
    void curvesOverALinspaceGetRoundTicksThroughZero() throws IOException {
        double[] x = new double[101];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 50) / 25.0; // -2 to 2 in steps of 0.04: XChart alone ticks at -2, -1.72, -1.44...
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int a : new int[] {1, 2, 5, 10, 50}) {
            series.put("a = " + a, parabola(a, x));
        }
        XYChart chart = Plots.curves("y = a * x^2", x, series, 0, 5);
        double[] ticks = assertRoundXTicks(chart, -2, 2);
        assertTrue(java.util.Arrays.stream(ticks).anyMatch(t -> t == 0), "no tick at 0");
        assertEquals(-2, ticks[0]);
        assertEquals(2, ticks[ticks.length - 1]);
        assertEquals(
                List.copyOf(series.keySet()), List.copyOf(chart.getSeriesMap().keySet()));
    }

    @Test
    void lrFindDrawsEachMarkAsALegendPointOnALogAxis() throws IOException {
        double[] lrs = new double[50];
        double[] losses = new double[50];
        for (int i = 0; i < 50; i++) {
            lrs[i] = 1e-6 * Math.pow(10, i / 8.0);
            losses[i] = 1.4 - 0.5 * Math.tanh((i - 20) / 8.0) + (i > 40 ? (i - 40) * 0.3 : 0);
        }
        List<Plots.Mark> marks = List.of(
                new Plots.Mark("valley: 1.00e-03", lrs[24], losses[24]), new Plots.Mark("steep", lrs[20], losses[20]));
        XYChart chart = Plots.lrFind(lrs, losses, marks);
        assertTrue(chart.getStyler().isXAxisLogarithmic());
        assertEquals("Learning Rate", chart.getXAxisTitle());
        assertEquals("Loss", chart.getYAxisTitle());
        assertEquals(
                List.of("loss", "valley: 1.00e-03", "steep"),
                List.copyOf(chart.getSeriesMap().keySet()));
        assertArrayEquals(
                new double[] {losses[24]},
                chart.getSeriesMap().get("valley: 1.00e-03").getYData());
        decode(chart);
        assertThrows(IllegalArgumentException.class, () -> Plots.lrFind(lrs, new double[3], marks));
    }

    /** 50 long titles crowded into a small blob: every pair of label boxes stays apart. */
    @Test
    void scatterLabelsDoNotOverlapWhenPointsCrowd() throws IOException {
        Random random = new Random(7);
        int n = 50;
        double[] x = new double[n], y = new double[n];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            // Most points in a tight cluster, a few far out so the cluster is small on screen.
            double spread = i < 45 ? 0.08 : 1;
            x[i] = random.nextGaussian() * spread;
            y[i] = random.nextGaussian() * spread;
            labels[i] = "Movie number " + i + ", The (19" + (50 + i) + ")";
        }
        PointLabels pointLabels = new PointLabels(x, y, labels);
        XYChart chart = Plots.scatterLabelled(x, y, pointLabels, "crowded");
        decode(chart);
        LabelLayout.Placement placement = pointLabels.lastPlacement();
        assertNotNull(placement, "labels were not drawn");
        assertNoOverlap(placement.boxes());
        for (Rectangle2D box : placement.boxes()) {
            assertTrue(placement.area().contains(box), box + " is outside the plot " + placement.area());
        }
        assertTrue(
                placement.area().getWidth() > 700 && placement.area().getHeight() > 700,
                "plot area " + placement.area());
        boolean anyDetached = false;
        for (boolean d : placement.detached()) {
            anyDetached |= d;
        }
        assertTrue(anyDetached, "a crowd this dense needs leader lines");
        assertEquals(900, chart.getWidth());
        assertEquals(900, chart.getHeight());
        assertThrows(IllegalArgumentException.class, () -> Plots.scatterLabelled(x, y, new String[] {"a"}, "t"));
    }

    @Test
    void scatterAxesCarryTheirTitles() throws IOException {
        double[] x = {0, 1, 2}, y = {2, 0, 1};
        XYChart chart = Plots.scatterLabelled(x, y, new String[] {"a", "b", "c"}, "t", "component 0", "component 2");
        assertEquals("component 0", chart.getXAxisTitle());
        assertEquals("component 2", chart.getYAxisTitle());
        assertTrue(chart.getStyler().isXAxisTitleVisible() && chart.getStyler().isYAxisTitleVisible());
        decode(chart);
    }

    @Test
    void sparseLabelsSitRightAboveTheirPoints() {
        double[] px = {100, 400, 700}, py = {300, 500, 200}, w = {80, 120, 60}, h = {12, 12, 12};
        Rectangle2D area = new Rectangle2D.Double(0, 0, 900, 900);
        LabelLayout.Placement p = LabelLayout.place(px, py, w, h, area, 3);
        for (int i = 0; i < px.length; i++) {
            Rectangle2D box = p.boxes()[i];
            assertEquals(px[i], box.getCenterX(), 1e-9);
            assertEquals(py[i] - 3 - LabelLayout.GAP, box.getMaxY(), 1e-9);
            assertFalse(p.detached()[i]);
        }
    }

    @Test
    void labelsOnTopOfEachOtherAreSpreadInsideTheArea() {
        int n = 40; // every point at the same spot: the worst case
        double[] px = new double[n], py = new double[n], w = new double[n], h = new double[n];
        java.util.Arrays.fill(px, 450);
        java.util.Arrays.fill(py, 450);
        java.util.Arrays.fill(w, 150);
        java.util.Arrays.fill(h, 13);
        Rectangle2D area = new Rectangle2D.Double(50, 40, 820, 820);
        LabelLayout.Placement p = LabelLayout.place(px, py, w, h, area, 3);
        assertNoOverlap(p.boxes());
        for (Rectangle2D box : p.boxes()) {
            assertTrue(area.contains(box), box + " is outside the plot");
        }
    }

    private static void assertNoOverlap(Rectangle2D[] boxes) {
        for (int i = 0; i < boxes.length; i++) {
            for (int j = i + 1; j < boxes.length; j++) {
                assertEquals(
                        0,
                        LabelLayout.intersectionArea(boxes[i], boxes[j]),
                        "labels " + i + " and " + j + " overlap: " + boxes[i] + " " + boxes[j]);
            }
        }
    }

    @Test
    void chartsPrintTheirTitleAndSeries() {
        XYChart chart = Plots.curves("y = a * x^2", new double[] {0, 1}, Map.of("a = 1", new double[] {0, 1}), 0, 1);
        assertEquals(
                "XYChart 'y = a * x^2' 700x450, series a = 1 (shows inline in a notebook; Plots.save(chart, path) writes a PNG)",
                chart.toString());
    }

    @Test
    void saveWritesAPng(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plots/curve.png");
        Plots.save(Plots.curves("t", new double[] {0, 1}, Map.of("s", new double[] {0, 1}), 0, 1), file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(700, image.getWidth());
        assertTrue(Files.size(file) > 1000);
    }
}
