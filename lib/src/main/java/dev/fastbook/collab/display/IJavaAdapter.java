package dev.fastbook.collab.display;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.RenderContext;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.util.Map;
import java.util.UUID;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.table.Relation;

/** Sends outputs through a running IJava kernel. Loaded only when IJava runs. */
final class IJavaAdapter implements Kernel {

    private final BaseKernel kernel;

    IJavaAdapter(Object kernel) {
        this.kernel = (BaseKernel) kernel;
        register(this.kernel.getRenderer());
    }

    /** Teaches IJava's renderer our three kinds of values; each renders its whole bundle. */
    static void register(Renderer renderer) {
        renderer.createRegistration(Displayable.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN, MIMEType.IMAGE_PNG)
                .register(IJavaAdapter::render);
        renderer.createRegistration(Relation.class)
                .preferring(MIMEType.TEXT_HTML)
                .supporting(MIMEType.TEXT_PLAIN)
                .register(IJavaAdapter::render);
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .supporting(MIMEType.TEXT_PLAIN)
                .register(IJavaAdapter::render);
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
