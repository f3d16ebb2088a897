package dev.fastbook.collab.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        throw new AssertionError("no renderer for " + value.getClass());
    }

    @Test
    void serviceFileRegistersTheProvider() {
        assertTrue(ServiceLoader.load(DisplayProvider.class).stream()
                .anyMatch(p -> p.type() == RapaioDisplayProvider.class));
        assertEquals(List.of(), new RapaioDisplayProvider().getDisplayTransformers());
    }

    @Test
    void tableRendersAsHtmlAndText() {
        Map<String, Object> data = render(null, DisplayTest.small()).data();
        assertTrue(String.valueOf(data.get("text/html")).contains("<th style=\"text-align:left\">title</th>"));
        assertEquals(DisplayTest.small().print(), data.get("text/plain"));
    }

    @Test
    void displayableRendersEveryTypeOfItsBundle() {
        Displayable d = Display.html("<b>x</b>");
        DisplayData data = render(null, d);
        assertEquals(Map.of("text/html", "<b>x</b>", "text/plain", "x"), data.data());
        // Even when asked for one type, rapaio gets them all (it shows only what we return).
        assertEquals(2, render("text/html", d).data().size());
    }

    @Test
    void chartRendersAsPngAndText() {
        XYChart chart = Plots.curves("c", new double[] {0, 1}, Map.of("s", new double[] {0, 1}), 0, 1);
        Map<String, Object> data = render(null, chart).data();
        assertTrue(String.valueOf(data.get("image/png")).startsWith("iVBORw0KGgo")); // base64 of the PNG signature
        assertEquals("XYChart 'c'", data.get("text/plain"));
    }

    @Test
    void acceptsDefaultAndKnownTypesOnly() {
        DisplayRenderer r = renderers.get(0);
        assertTrue(r.canRender(null));
        assertTrue(r.canRender("html"));
        assertTrue(r.canRender("image/png"));
        assertFalse(r.canRender("text/markdown"));
        assertFalse(renderers.get(0).rendererClass().isAssignableFrom(String.class));
    }

    @Test
    void notInAKernelHere() {
        assertFalse(RapaioAdapter.isRunning()); // the jar is on the classpath, but no kernel runs
    }
}
