package dev.fastbook.collab.display;

import java.awt.Graphics2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The chapter's charts with XChart. Each returns a chart that shows inline when it is a cell's
 * value or passed to {@link Display#show(Object)}; {@link #save(Chart, Path)} writes a PNG.
 */
public final class Plots {

    static {
        Display.ensureRegistered(); // also makes AWT headless
    }

    private Plots() {}

    /** A point to mark on a chart, named in the legend, e.g. an lr_find suggestion on its curve. */
    public record Mark(String label, double x, double y) {}

    // "1000" rather than "1,000" or "1000.0"; "0.5" rather than "0.50".
    private static final Function<Double, String> PLAIN_NUMBER =
            v -> new DecimalFormat("0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(v);

    /**
     * Training and validation loss against the iteration (batch) number, like fastai's
     * {@code learn.recorder.plot_loss()}: one train loss per batch, one valid loss per epoch
     * placed at the batch where it was measured.
     */
    public static XYChart lossCurve(double[] batchTrainLoss, int[] validAtBatch, double[] validLoss) {
        if (validAtBatch.length != validLoss.length) {
            throw new IllegalArgumentException(
                    "validAtBatch has " + validAtBatch.length + " entries but validLoss has " + validLoss.length);
        }
        Figure chart = new Figure(
                new XYChartBuilder()
                        .width(700)
                        .height(400)
                        .title("Loss")
                        .xAxisTitle("Iteration")
                        .yAxisTitle("Loss"),
                true);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(PLAIN_NUMBER);
        if (batchTrainLoss.length > 0) { // XChart refuses empty series
            double[] iterations = new double[batchTrainLoss.length];
            Arrays.setAll(iterations, i -> i);
            chart.addSeries("train", iterations, batchTrainLoss).setMarker(SeriesMarkers.NONE);
        }
        if (validLoss.length > 0) {
            double[] at = Arrays.stream(validAtBatch).asDoubleStream().toArray();
            chart.addSeries("valid", at, validLoss).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /**
     * fastai's {@code plot_lr_find}: loss against learning rate on a log axis, with each
     * suggestion drawn as a marker at its point of the curve and named in the legend.
     */
    public static XYChart lrFind(double[] lrs, double[] losses, List<Mark> suggestions) {
        if (lrs.length != losses.length || lrs.length == 0) {
            throw new IllegalArgumentException("need as many losses as learning rates (and at least one), got "
                    + lrs.length + " learning rates and " + losses.length + " losses");
        }
        Figure chart = new Figure(
                new XYChartBuilder()
                        .width(700)
                        .height(400)
                        .title("Learning rate finder")
                        .xAxisTitle("Learning Rate")
                        .yAxisTitle("Loss"),
                false);
        chart.getStyler().setXAxisLogarithmic(true).setLegendPosition(LegendPosition.InsideNW);
        chart.getStyler().setXAxisDecimalPattern("0E0");
        chart.getStyler().setMarkerSize(9);
        chart.addSeries("loss", lrs, losses).setMarker(SeriesMarkers.NONE);
        for (Mark s : suggestions) {
            XYSeries point = chart.addSeries(s.label(), new double[] {s.x()}, new double[] {s.y()});
            point.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            point.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /**
     * A square scatter plot with every point labelled, e.g. movies placed by two principal
     * components of their embeddings and named by title. Labels are placed so none overlaps
     * another; where points crowd, a label sits a little away with a thin line to its point.
     */
    public static XYChart scatterLabelled(double[] x, double[] y, String[] labels, String title) {
        return scatterLabelled(x, y, labels, title, null, null);
    }

    /** The same, with the axes named (e.g. "principal component 0"); a null title leaves that axis unnamed. */
    public static XYChart scatterLabelled(
            double[] x, double[] y, String[] labels, String title, String xTitle, String yTitle) {
        if (x.length != y.length || x.length != labels.length || x.length == 0) {
            throw new IllegalArgumentException("x, y and labels need the same, non-zero length; got " + x.length + ", "
                    + y.length + " and " + labels.length);
        }
        XYChart chart = scatterLabelled(x, y, new PointLabels(x, y, labels), title);
        chart.setXAxisTitle(xTitle);
        chart.setYAxisTitle(yTitle);
        return chart;
    }

    static XYChart scatterLabelled(double[] x, double[] y, PointLabels pointLabels, String title) {
        Figure chart = new Figure(new XYChartBuilder().width(900).height(900).title(title), true);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false).setMarkerSize(6);
        chart.addSeries("points", x, y);
        // Room around the points, so labels near the edges fit beside them.
        double xMin = Arrays.stream(x).min().getAsDouble();
        double xMax = Arrays.stream(x).max().getAsDouble();
        double yMin = Arrays.stream(y).min().getAsDouble();
        double yMax = Arrays.stream(y).max().getAsDouble();
        double xPad = 0.08 * Math.max(xMax - xMin, 1e-9);
        double yPad = 0.05 * Math.max(yMax - yMin, 1e-9);
        chart.getStyler()
                .setXAxisMin(xMin - xPad)
                .setXAxisMax(xMax + xPad)
                .setYAxisMin(yMin - yPad)
                .setYAxisMax(yMax + yPad);
        chart.addAnnotation(pointLabels);
        return chart;
    }

    /** Several named curves over the same x, with a legend and a fixed y range (the chapter's y = a*x^2). */
    public static XYChart curves(String title, double[] x, Map<String, double[]> series, double yMin, double yMax) {
        Figure chart = new Figure(
                new XYChartBuilder()
                        .width(700)
                        .height(450)
                        .title(title)
                        .xAxisTitle("x")
                        .yAxisTitle("y"),
                true);
        chart.getStyler().setYAxisMin(yMin).setYAxisMax(yMax).setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(PLAIN_NUMBER);
        series.forEach((name, y) -> chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE));
        return chart;
    }

    /** The chart as PNG bytes. */
    public static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("could not draw chart '" + chart.getTitle() + "' as PNG", e);
        }
    }

    /** Writes the chart as a PNG file (creating parent folders). */
    public static void save(Chart<?, ?> chart, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, png(chart));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /**
     * An XYChart with round x ticks and a readable toString.
     *
     * <p>When every x value of a chart is evenly spaced (iterations 0, 1, 2..., a linspace), XChart
     * 3.8.8 puts its ticks on every k-th data point (-2, -1.72, -1.44...) instead of round values,
     * and no styler setting changes that (knowm/XChart#731). One extra x value off that grid sends
     * it to its usual tick algorithm: steps of 1, 2 or 5 x 10^k, at multiples of the step (so 0 is
     * a tick when the range spans it). That value belongs to an invisible, legend-less, one-point
     * series that exists only while the chart paints, so {@link #getSeriesMap()} shows just the
     * caller's series.
     */
    static final class Figure extends XYChart {
        private static final String OFF_GRID = "(off-grid x for round ticks)";
        private final boolean roundXTicks;

        Figure(XYChartBuilder builder, boolean roundXTicks) {
            super(builder);
            this.roundXTicks = roundXTicks;
        }

        @Override
        public void paint(Graphics2D g, int width, int height) {
            XYSeries helper = roundXTicks ? addOffGridPoint() : null;
            try {
                super.paint(g, width, height);
            } finally {
                if (helper != null) {
                    removeSeries(OFF_GRID);
                }
            }
        }

        // Half way between the first two x values of a series, at that series' first y: inside
        // the data's range, so the axes do not move.
        private XYSeries addOffGridPoint() {
            for (XYSeries s : getSeriesMap().values()) {
                double[] xs = s.getXData();
                if (xs.length >= 2 && xs[1] != xs[0]) {
                    XYSeries helper =
                            addSeries(OFF_GRID, new double[] {(xs[0] + xs[1]) / 2}, new double[] {s.getYData()[0]});
                    helper.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
                    helper.setMarker(SeriesMarkers.NONE);
                    helper.setShowInLegend(false);
                    return helper;
                }
            }
            return null;
        }

        /** The x tick labels of the last paint (for tests). */
        List<String> xTickLabels() {
            return List.copyOf(axisPair.getXAxis().getAxisTickCalculator().getTickLabels());
        }

        /** The labels laid out by the last paint, or null (for tests). */
        PointLabels pointLabels() {
            return annotations.stream()
                    .filter(PointLabels.class::isInstance)
                    .map(PointLabels.class::cast)
                    .findFirst()
                    .orElse(null);
        }

        @Override
        public String toString() {
            return "XYChart '" + (getTitle() == null ? "" : getTitle()) + "' " + getWidth() + "x" + getHeight()
                    + ", series " + String.join(", ", getSeriesMap().keySet())
                    + " (shows inline in a notebook; Plots.save(chart, path) writes a PNG)";
        }
    }
}
