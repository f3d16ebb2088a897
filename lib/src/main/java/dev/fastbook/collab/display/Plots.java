package dev.fastbook.collab.display;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.knowm.xchart.AnnotationText;
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

    private Plots() {
    }

    // With evenly spaced x values (iterations, a linspace) XChart puts ticks on data points, whose
    // labels then overlap (e.g. 417, 834, 1,251...); a formatting function gives round ticks instead.
    private static final java.util.function.Function<Double, String> ROUND_TICKS =
            v -> new java.text.DecimalFormat("0.##", java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)).format(v);

    /**
     * Training and validation loss against the iteration (batch) number, like fastai's
     * {@code learn.recorder.plot_loss()}: one train loss per batch, one valid loss per epoch
     * placed at the batch where it was measured.
     */
    public static XYChart lossCurve(double[] batchTrainLoss, int[] validAtBatch, double[] validLoss) {
        if (validAtBatch.length != validLoss.length) {
            throw new IllegalArgumentException("validAtBatch has " + validAtBatch.length
                    + " entries but validLoss has " + validLoss.length);
        }
        XYChart chart = new XYChartBuilder().width(700).height(400)
                .title("Loss").xAxisTitle("Iteration").yAxisTitle("Loss").build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(ROUND_TICKS);
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
     * fastai's {@code lr_find()} plot: loss against learning rate on a log axis, with each
     * suggestion (e.g. "valley" -> 1e-3) marked on the curve and named in the legend.
     */
    public static XYChart lrFind(double[] lrs, double[] losses, Map<String, Double> suggestions) {
        if (lrs.length != losses.length || lrs.length == 0) {
            throw new IllegalArgumentException("need as many losses as learning rates (and at least one), got "
                    + lrs.length + " learning rates and " + losses.length + " losses");
        }
        XYChart chart = new XYChartBuilder().width(700).height(400)
                .title("Learning rate finder").xAxisTitle("Learning Rate").yAxisTitle("Loss").build();
        chart.getStyler().setXAxisLogarithmic(true).setLegendPosition(LegendPosition.InsideNW);
        chart.getStyler().setXAxisDecimalPattern("0E0");
        chart.addSeries("loss", lrs, losses).setMarker(SeriesMarkers.NONE);
        for (Map.Entry<String, Double> s : suggestions.entrySet()) {
            double lr = s.getValue();
            // Mark the suggestion on the curve: at the recorded loss of the closest learning rate.
            int nearest = 0;
            for (int i = 1; i < lrs.length; i++) {
                if (Math.abs(Math.log(lrs[i] / lr)) < Math.abs(Math.log(lrs[nearest] / lr))) {
                    nearest = i;
                }
            }
            XYSeries point = chart.addSeries(String.format("%s: %.2e", s.getKey(), lr),
                    new double[] {lr}, new double[] {losses[nearest]});
            point.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            point.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /**
     * A square scatter plot with every point labelled, e.g. movies placed by two principal
     * components of their embeddings and named by title.
     */
    public static XYChart scatterLabelled(double[] x, double[] y, String[] labels, String title) {
        if (x.length != y.length || x.length != labels.length || x.length == 0) {
            throw new IllegalArgumentException("x, y and labels need the same, non-zero length; got "
                    + x.length + ", " + y.length + " and " + labels.length);
        }
        XYChart chart = new XYChartBuilder().width(900).height(900).title(title).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false).setMarkerSize(6);
        chart.addSeries("points", x, y);
        // Labels are centred on their point: widen the axes so those at the edges are not cut off.
        double xMin = Arrays.stream(x).min().getAsDouble();
        double xMax = Arrays.stream(x).max().getAsDouble();
        double yMin = Arrays.stream(y).min().getAsDouble();
        double yMax = Arrays.stream(y).max().getAsDouble();
        double xPad = 0.12 * Math.max(xMax - xMin, 1e-9);
        double yPad = 0.05 * Math.max(yMax - yMin, 1e-9);
        chart.getStyler().setXAxisMin(xMin - xPad).setXAxisMax(xMax + xPad).setYAxisMin(yMin - yPad).setYAxisMax(yMax + yPad);
        double lift = 0.3 * yPad; // just above the marker, which stays visible
        for (int i = 0; i < x.length; i++) {
            chart.addAnnotation(new AnnotationText(labels[i], x[i], y[i] + lift, false));
        }
        return chart;
    }

    /** Several named curves over the same x, with a legend and a fixed y range (the chapter's y = a*x^2). */
    public static XYChart curves(String title, double[] x, Map<String, double[]> series, double yMin, double yMax) {
        XYChart chart = new XYChartBuilder().width(700).height(450).title(title).xAxisTitle("x").yAxisTitle("y").build();
        chart.getStyler().setYAxisMin(yMin).setYAxisMax(yMax).setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(ROUND_TICKS);
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
}
