package dev.fastbook.collab.display;

import java.util.Map;
import java.util.UUID;
import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.table.Relation;

/**
 * Sends outputs through a running JJava kernel (IJava's maintained fork, {@code org.dflib.jjava}). Loaded only
 * when JJava runs: found by {@link Display} like the IJava one, and also installed by JJava itself as an
 * {@link Extension} (META-INF/services) when the library's jars are on the kernel's classpath, so a table
 * that is a cell's value renders as HTML before anything of this library has been touched.
 */
public final class JJavaAdapter implements Kernel, Extension {

    private final BaseKernel kernel;

    /** The form JJava's extension loader needs; it does nothing until {@link #install(BaseKernel)}. */
    public JJavaAdapter() {
        this.kernel = null;
    }

    JJavaAdapter(Object kernel) {
        this.kernel = (BaseKernel) kernel;
        register(this.kernel.getRenderer());
    }

    @Override
    public void install(BaseKernel running) {
        register(running.getRenderer());
    }

    /** Teaches JJava's renderer our three kinds of values; each renders its whole bundle. */
    static void register(Renderer renderer) {
        renderer.createRegistration(Displayable.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN, MIMEType.IMAGE_PNG)
                .register(JJavaAdapter::render);
        renderer.createRegistration(Relation.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN)
                .register(JJavaAdapter::render);
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .supporting(MIMEType.TEXT_PLAIN)
                .register(JJavaAdapter::render);
    }

    private static void render(Object value, RenderContext context) {
        Display.bundle(value).forEach(context.getOutputContainer()::putData);
    }

    static DisplayData toDisplayData(Map<String, String> bundle) {
        DisplayData data = new DisplayData();
        bundle.forEach(data::putData);
        return data;
    }

    @Override
    public String show(Map<String, String> bundle) {
        DisplayData data = toDisplayData(bundle);
        String id = UUID.randomUUID().toString();
        data.setDisplayId(id);
        kernel.getIO().display.display(data);
        return id;
    }

    @Override
    public void update(String id, Map<String, String> bundle) {
        kernel.getIO().display.updateDisplay(id, toDisplayData(bundle));
    }
}
