package dev.fastbook.collab.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

/** IJava's renderer comes from jupyter-jvm-basekernel (provided scope, so on the test classpath). */
class IJavaAdapterTest {

    private static Renderer registered() {
        Renderer renderer = new Renderer();
        IJavaAdapter.register(renderer);
        return renderer;
    }

    @Test
    void tableRendersAsHtml() {
        DisplayData data = registered().render(DisplayTest.small());
        Object html = data.getData(MIMEType.TEXT_HTML);
        assertNotNull(html);
        assertTrue(html.toString().contains(">Toy Story (1995)</td>"), html.toString());
        assertEquals(DisplayTest.small().print(), data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void displayableRendersThroughItsInterface() {
        DisplayData data = registered().render(Display.html("<b>x</b>"));
        assertEquals("<b>x</b>", data.getData(MIMEType.TEXT_HTML));
        assertEquals("x", data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void chartRendersAsPng() {
        XYChart chart = Plots.curves("c", new double[] {0, 1}, Map.of("s", new double[] {0, 1}), 0, 1);
        DisplayData data = registered().render(chart);
        assertTrue(String.valueOf(data.getData(MIMEType.IMAGE_PNG)).startsWith("iVBORw0KGgo"));
    }

    @Test
    void displayDataCarriesTheWholeBundle() {
        DisplayData data = IJavaAdapter.toDisplayData(Display.bundle(DisplayTest.small()));
        assertNotNull(data.getData(MIMEType.TEXT_HTML));
        assertNotNull(data.getData(MIMEType.TEXT_PLAIN));
    }
}
