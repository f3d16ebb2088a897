package dev.fastbook.collab.display;

import java.util.Map;
import java.util.UUID;
import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.display.DisplayData;

/** Sends outputs through a running rapaio-jupyter-kernel. Loaded only when that kernel runs. */
final class RapaioAdapter implements Kernel {

    static final String MAIN_CLASS = "org.rapaio.jupyter.kernel.MainApp";

    /**
     * The kernel's main thread sits in MainApp.main for the kernel's whole life. Looking at the
     * stacks avoids touching MainApp itself, whose static initialiser builds a whole kernel.
     */
    static boolean isRunning() {
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            for (StackTraceElement frame : stack) {
                if (MAIN_CLASS.equals(frame.getClassName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** rapaio's DisplayData with every type of the bundle, so the front end can choose. */
    static DisplayData toDisplayData(Map<String, String> bundle) {
        DisplayData data = null;
        for (Map.Entry<String, String> e : bundle.entrySet()) {
            if (data == null) {
                data = DisplayData.withType(e.getKey(), e.getValue());
            } else {
                data.putData(e.getKey(), e.getValue());
            }
        }
        return data != null ? data : DisplayData.withType("text/plain", "");
    }

    @Override
    public String show(Map<String, String> bundle) {
        DisplayData data = toDisplayData(bundle);
        String id = UUID.randomUUID().toString();
        data.setDisplayId(id);
        MainApp.kernel.display(data);
        return id;
    }

    @Override
    public void update(String id, Map<String, String> bundle) {
        DisplayData data = toDisplayData(bundle);
        data.setDisplayId(id);
        MainApp.kernel.updateDisplay(data);
    }
}
