package dev.fastbook.collab.display;

import java.util.Map;

/**
 * Something that knows how to show itself in a notebook.
 *
 * <p>The bundle maps MIME types to content, richest first, e.g. {@code "text/html"} then
 * {@code "text/plain"}; images are base64 strings under {@code "image/png"}. Jupyter picks the
 * richest type the front end understands. Implementations carry no kernel types, so the same
 * object renders in rapaio, IJava and (as text) in a plain JVM.
 */
public interface Displayable {

    /** MIME type to content, in order of preference. */
    Map<String, String> mimeBundle();

    /** The common bundle: HTML for notebooks, text for everywhere else. */
    static Map<String, String> htmlAndText(String html, String text) {
        Map<String, String> bundle = new java.util.LinkedHashMap<>();
        bundle.put("text/html", html);
        bundle.put("text/plain", text);
        return bundle;
    }
}
