package dev.fastbook.collab.display;

import java.util.List;
import java.util.Set;

import org.knowm.xchart.internal.chartpart.Chart;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;

import tech.tablesaw.table.Relation;

/**
 * Plugs this library into rapaio-jupyter-kernel (found through
 * {@code META-INF/services/org.rapaio.jupyter.kernel.display.spi.DisplayProvider}), so that
 * {@code display(x)} and cell values render our types with {@link Display#bundle(Object)}.
 */
public final class RapaioDisplayProvider implements DisplayProvider {

    @Override
    public List<DisplayRenderer> getDisplayRenderers() {
        try {
            return List.of(
                    new BundleRenderer(Displayable.class),
                    new BundleRenderer(Relation.class),
                    new BundleRenderer(Chart.class),
                    // Multi-line text (tensors, model printouts): rapaio would send toString() as raw
                    // HTML and lose the line breaks, so these go through the <pre> fallback.
                    new BundleRenderer(ai.djl.ndarray.NDArray.class),
                    new BundleRenderer(ai.djl.nn.Block.class));
        } catch (LinkageError notYet) {
            // `%dependency /resolve` and `%jars` add jars one at a time and ask every provider after each;
            // while Tablesaw, XChart or DJL is not there yet, an error here would kill the kernel's shell
            // thread (the notebook then hangs). Nothing to offer yet: the next refresh asks again.
            return List.of();
        }
    }

    @Override
    public List<DisplayTransformer> getDisplayTransformers() {
        return List.of();
    }

    /** Renders any instance of {@code rendererClass} with all the types of its bundle. */
    record BundleRenderer(Class<?> rendererClass) implements DisplayRenderer {

        // rapaio passes null for "the default", else a long or short name (e.g. "html").
        private static final Set<String> TYPES = Set.of(
                "text/html", "html", "text/plain", "text", "image/png", "png");

        @Override
        public boolean canRender(String mime) {
            return mime == null || mime.isBlank() || TYPES.contains(mime.trim());
        }

        @Override
        public DisplayData render(String mime, Object o) {
            // rapaio shows only what the renderer returns: give it the whole bundle, not one type.
            return RapaioAdapter.toDisplayData(Display.bundle(o));
        }
    }
}
