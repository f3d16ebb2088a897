package dev.fastbook.collab.display;

import java.util.List;
import java.util.Set;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;

/**
 * Plugs this library into rapaio-jupyter-kernel (found through
 * {@code META-INF/services/org.rapaio.jupyter.kernel.display.spi.DisplayProvider}), so that
 * {@code display(x)} and cell values render our types with {@link Display#bundle(Object)}.
 */
public final class RapaioDisplayProvider implements DisplayProvider {

    /**
     * The types we render, by name. `%dependency /resolve` and `%jars` add jars one at a time and ask every
     * provider after each: naming Tablesaw's, XChart's or DJL's classes directly here would fail while their jar
     * is not there yet, and the JVM never retries a class reference that failed once in this class (the kernel's
     * shell thread then died and the notebook hung). So each is looked up by name when it is first needed, and
     * a type whose library is not on the classpath yet is skipped until the next refresh.
     */
    private static final List<String> RENDERED = List.of(
            Displayable.class.getName(),
            "tech.tablesaw.table.Relation",
            "org.knowm.xchart.internal.chartpart.Chart",
            // Multi-line text (tensors, model printouts): rapaio would send toString() as raw
            // HTML and lose the line breaks, so these go through the <pre> fallback.
            "ai.djl.ndarray.NDArray",
            "ai.djl.nn.Block");

    @Override
    public List<DisplayRenderer> getDisplayRenderers() {
        List<DisplayRenderer> renderers = new java.util.ArrayList<>();
        ClassLoader loader = RapaioDisplayProvider.class.getClassLoader();
        for (String type : RENDERED) {
            try {
                renderers.add(new BundleRenderer(Class.forName(type, false, loader)));
            } catch (ClassNotFoundException | LinkageError notYet) {
                // its library is not on the classpath yet: the next refresh asks again
            }
        }
        return List.copyOf(renderers);
    }

    @Override
    public List<DisplayTransformer> getDisplayTransformers() {
        return List.of();
    }

    /** Renders any instance of {@code rendererClass} with all the types of its bundle. */
    record BundleRenderer(Class<?> rendererClass) implements DisplayRenderer {

        // rapaio passes null for "the default", else a long or short name (e.g. "html").
        private static final Set<String> TYPES = Set.of("text/html", "html", "text/plain", "text", "image/png", "png");

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
