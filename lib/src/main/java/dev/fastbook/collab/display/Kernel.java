package dev.fastbook.collab.display;

import java.util.Map;

/** What the facade needs from a running Jupyter kernel. */
interface Kernel {

    /** Sends a new output and returns its display id. */
    String show(Map<String, String> bundle);

    /** Replaces the output with this display id. */
    void update(String id, Map<String, String> bundle);
}
