package dev.fastbook.collab.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.fastbook.collab.core.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;

/** rapaio's classes are on the test classpath (provided scope), so we drive the SPI directly. */
class RapaioDisplayProviderTest {

    private final List<DisplayRenderer> renderers = new RapaioDisplayProvider().getDisplayRenderers();

    /** What rapaio's DisplaySystem does: first renderer whose class matches and that accepts the mime. */
    private DisplayData render(String mime, Object value) {
        for (DisplayRenderer r : renderers) {
            if (r.rendererClass().isAssignableFrom(value.getClass()) && r.canRender(mime)) {
                return r.render(mime, value);
            }
        }
        throw new AssertionError("no renderer for " + value.getClass() + " as " + mime);
    }

    private boolean claimed(String mime, Object value) {
        return renderers.stream()
                .anyMatch(r -> r.rendererClass().isAssignableFrom(value.getClass()) && r.canRender(mime));
    }

    @Test
    void serviceFileRegistersTheProvider() {
        assertTrue(ServiceLoader.load(DisplayProvider.class).stream()
                .anyMatch(p -> p.type() == RapaioDisplayProvider.class));
    }

    @Test
    void tableRendersAsHtmlAndText() {
        Map<String, Object> data = render(null, DisplayTest.small()).data();
        assertTrue(String.valueOf(data.get("text/html")).contains("<th style=\"text-align:left\">title</th>"));
        assertEquals(DisplayTest.small().print(), data.get("text/plain"));
    }

    @Test
    void whateverTypeRapaioAsksForItGetsTheWholeBundle() {
        Displayable d = Display.html("<b>x</b>");
        Map<String, Object> expected = Map.copyOf(Display.bundle(d));
        // rapaio shows only what the renderer returns: asking for one type must not lose the others.
        for (String mime : Arrays.asList(null, "", "text/html", "html", "text/plain")) {
            assertEquals(expected, render(mime, d).data(), "asked for " + mime);
        }
    }

    @Test
    void claimsExactlyTheTypesItProduces() {
        XYChart chart = Plots.curves("c", new double[] {0, 1}, Map.of("s", new double[] {0, 1}), 0, 1);
        for (Object value : List.of(DisplayTest.small(), Display.html("<i>y</i>"), chart)) {
            for (String mime : Display.bundle(value).keySet()) {
                assertTrue(claimed(mime, value), value.getClass().getSimpleName() + " should render as " + mime);
            }
            // Types no bundle has are left to rapaio's own renderers.
            assertFalse(claimed("text/markdown", value), value.getClass().getSimpleName());
            assertFalse(claimed("application/json", value), value.getClass().getSimpleName());
        }
        assertFalse(
                renderers.stream().anyMatch(r -> r.rendererClass().isAssignableFrom(String.class)),
                "plain strings stay with rapaio");
    }

    @Test
    void chartRendersAsPngAndText() {
        XYChart chart = Plots.curves("c", new double[] {0, 1}, Map.of("s", new double[] {0, 1}), 0, 1);
        Map<String, Object> data = render(null, chart).data();
        assertTrue(String.valueOf(data.get("image/png")).startsWith("iVBORw0KGgo")); // base64 of the PNG signature
        assertEquals("XYChart 'c'", data.get("text/plain"));
    }

    @Test
    void multiLineTensorsKeepTheirLineBreaks() {
        NDArray a = Tensors.manager().create(new float[][] {{1, 2}, {3, 4}});
        try {
            String html = String.valueOf(render(null, a).data().get("text/html"));
            assertTrue(html.startsWith("<pre>") && html.endsWith("</pre>"), html);
            assertTrue(html.contains("\n"), html);
            assertEquals(a.toString(), render(null, a).data().get("text/plain"));
        } finally {
            a.close();
        }
    }

    @Test
    void notInAKernelHere() {
        assertFalse(RapaioAdapter.isRunning()); // the jar is on the classpath, but no kernel runs
    }
}
