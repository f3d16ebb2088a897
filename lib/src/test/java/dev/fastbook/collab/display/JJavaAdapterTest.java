package dev.fastbook.collab.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

/** JJava's renderer comes from its published base library, jjava-jupyter (provided scope, so on the test classpath). */
class JJavaAdapterTest {

    private static Renderer registered() {
        Renderer renderer = new Renderer();
        JJavaAdapter.register(renderer);
        return renderer;
    }

    @Test
    void tableRendersAsHtml() {
        DisplayData data = registered().render(DisplayTest.small());
        String html = String.valueOf(data.getData(MIMEType.TEXT_HTML));
        assertTrue(html.startsWith("<table"), html);
        assertTrue(html.contains(">Toy Story (1995)</td>"), html);
        assertEquals(DisplayTest.small().print(), data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void chartRendersAsPng() {
        XYChart chart = Plots.curves("c", new double[] {0, 1}, Map.of("s", new double[] {0, 1}), 0, 1);
        DisplayData data = registered().render(chart);
        assertTrue(String.valueOf(data.getData(MIMEType.IMAGE_PNG)).startsWith("iVBORw0KGgo"));
        assertEquals("XYChart 'c'", data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void displayableRendersThroughItsInterface() {
        DisplayData data = registered().render(Display.html("<b>x</b>"));
        assertEquals("<b>x</b>", data.getData(MIMEType.TEXT_HTML));
        assertEquals("x", data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void jjavaFindsTheAdapterAsAnExtension() {
        var found =
                ServiceLoader.load(Extension.class).stream().map(p -> p.type()).toList();
        assertEquals(List.of(JJavaAdapter.class), found);
    }
}
