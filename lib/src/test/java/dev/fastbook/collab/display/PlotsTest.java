package dev.fastbook.collab.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    @Test
    void lossCurveHasTrainAndValid() throws IOException {
        double[] train = new double[100];
        for (int i = 0; i < train.length; i++) {
            train[i] = 1.5 * Math.exp(-i / 40.0) + 0.6;
        }
        XYChart chart = Plots.lossCurve(train, new int[] {49, 99}, new double[] {1.0, 0.85});
        assertEquals(List.of("train", "valid"), List.copyOf(chart.getSeriesMap().keySet()));
        decode(chart);
        assertThrows(IllegalArgumentException.class, () -> Plots.lossCurve(train, new int[] {1}, new double[0]));
    }

    @Test
    void lrFindMarksEachSuggestion() throws IOException {
        double[] lrs = new double[50];
        double[] losses = new double[50];
        for (int i = 0; i < 50; i++) {
            lrs[i] = 1e-6 * Math.pow(10, i / 8.0);
            losses[i] = 1.4 - 0.5 * Math.tanh((i - 20) / 8.0) + (i > 40 ? (i - 40) * 0.3 : 0);
        }
        Map<String, Double> suggestions = new LinkedHashMap<>();
        suggestions.put("valley", 1e-3);
        suggestions.put("slide", 5e-3);
        XYChart chart = Plots.lrFind(lrs, losses, suggestions);
        assertTrue(chart.getStyler().isXAxisLogarithmic());
        assertEquals("Learning Rate", chart.getXAxisTitle());
        assertEquals("Loss", chart.getYAxisTitle());
        assertEquals(List.of("loss", "valley: 1.00e-03", "slide: 5.00e-03"), List.copyOf(chart.getSeriesMap().keySet()));
        decode(chart);
    }

    @Test
    void scatterLabelledIsALargeSquare() throws IOException {
        double[] x = {-1, 0.5, 2};
        double[] y = {0.3, -1, 1.2};
        XYChart chart = Plots.scatterLabelled(x, y, new String[] {"Star Wars (1977)", "Titanic (1997)", "Fargo (1996)"}, "Movies");
        assertEquals(900, chart.getWidth());
        assertEquals(900, chart.getHeight());
        decode(chart);
        assertThrows(IllegalArgumentException.class, () -> Plots.scatterLabelled(x, y, new String[] {"a"}, "t"));
    }

    @Test
    void curvesHaveALegendEntryEach() throws IOException {
        double[] x = new double[41];
        Map<String, double[]> series = new LinkedHashMap<>();
        for (double a : new double[] {1, 2, 3}) {
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = -2 + i * 0.1;
                y[i] = a * x[i] * x[i];
            }
            series.put("a=" + (int) a, y);
        }
        XYChart chart = Plots.curves("y = a*x^2", x, series, 0, 5);
        assertEquals(List.of("a=1", "a=2", "a=3"), List.copyOf(chart.getSeriesMap().keySet()));
        decode(chart);
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
