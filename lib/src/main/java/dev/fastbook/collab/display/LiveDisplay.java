package dev.fastbook.collab.display;

import java.util.Map;

/**
 * A handle on an output that {@link Display#show(Object)} put in the notebook: {@link #update(Object)}
 * replaces it in place (Jupyter's display_id), which is how a training loop redraws its table.
 * Outside a notebook, updates print nothing.
 */
public final class LiveDisplay implements Displayable {

    private final Kernel kernel; // null outside a notebook
    private final String id;

    LiveDisplay(Kernel kernel, String id) {
        this.kernel = kernel;
        this.id = id;
    }

    /** Replaces what this handle shows with {@code value}. */
    public void update(Object value) {
        if (kernel != null) {
            kernel.update(id, Display.bundle(value));
        }
    }

    /** The Jupyter display id, or null outside a notebook. */
    public String id() {
        return id;
    }

    /** Empty, so a cell ending in {@code Display.show(x)} does not print the handle as well. */
    @Override
    public Map<String, String> mimeBundle() {
        return Map.of("text/plain", "");
    }

    @Override
    public String toString() {
        return id == null
                ? "LiveDisplay(not in a notebook: update(...) prints nothing)"
                : "LiveDisplay(display_id=" + id + ")";
    }
}
