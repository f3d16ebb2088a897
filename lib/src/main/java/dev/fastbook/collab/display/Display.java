package dev.fastbook.collab.display;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.columns.Column;
import tech.tablesaw.table.Relation;

/**
 * Shows tables, charts and {@link Displayable}s inline in Jupyter (rapaio, IJava or JJava kernel), and as
 * text in a plain JVM.
 *
 * <pre>{@code
 * Display.show(ratings);                    // a Tablesaw table as HTML
 * LiveDisplay out = Display.show(progress); // ...later:
 * out.update(progress);                     // redraws in place
 * }</pre>
 */
public final class Display {

    /** Tables longer than this show their first and last {@link #HEAD_TAIL} rows. */
    static final int MAX_ROWS = 20;

    static final int HEAD_TAIL = 10;

    private static boolean detected;
    private static Kernel kernel; // null outside a notebook

    private Display() {}

    /** The MIME bundle {@link #show(Object)} would send, richest type first; always has text/plain. */
    public static Map<String, String> bundle(Object value) {
        Map<String, String> bundle;
        if (value instanceof Displayable d) {
            bundle = new LinkedHashMap<>(d.mimeBundle());
        } else if (value instanceof Relation table) {
            bundle = tableBundle(table);
        } else if (value instanceof Chart<?, ?> chart) {
            bundle = chartBundle(chart);
        } else {
            String text = String.valueOf(value);
            bundle = new LinkedHashMap<>();
            // <pre> keeps the whitespace; escaping keeps '<' and '&' visible.
            bundle.put("text/html", "<pre>" + escape(text) + "</pre>");
            bundle.put("text/plain", text);
        }
        // Every kernel and the plain JVM need a text form to fall back on.
        if (!bundle.containsKey("text/plain")) {
            String html = bundle.get("text/html");
            bundle.put("text/plain", html != null ? stripTags(html) : String.valueOf(value));
        }
        return bundle;
    }

    /**
     * Shows {@code value} now: inline in a notebook, as text on System.out in a plain JVM. Keep the
     * returned handle to {@link LiveDisplay#update(Object) update} the output in place.
     */
    public static LiveDisplay show(Object value) {
        Map<String, String> bundle = bundle(value);
        Kernel k = kernel();
        if (k == null) {
            System.out.println(bundle.get("text/plain"));
            return new LiveDisplay(null, null);
        }
        return new LiveDisplay(k, k.show(bundle));
    }

    /** True inside a rapaio, IJava or JJava kernel. */
    public static boolean inNotebook() {
        return kernel() != null;
    }

    /** An HTML snippet that renders as HTML in a notebook (its text without tags elsewhere). */
    public static Displayable html(String html) {
        return new Html(html);
    }

    /**
     * Makes the kernel render this library's types (IJava and JJava need them registered; rapaio finds them
     * through its service file). Cheap and safe to call any number of times.
     */
    public static void ensureRegistered() {
        kernel();
    }

    private record Html(String html) implements Displayable {
        @Override
        public Map<String, String> mimeBundle() {
            return Displayable.htmlAndText(html, stripTags(html));
        }

        @Override
        public String toString() {
            return stripTags(html);
        }
    }

    // ---- kernels ----

    private static synchronized Kernel kernel() {
        if (!detected) {
            detected = true;
            kernel = detectKernel();
        }
        return kernel;
    }

    /** Looks for a running kernel by name only, so this class never links against a missing jar. */
    private static Kernel detectKernel() {
        ClassLoader loader = Display.class.getClassLoader();
        try {
            Class<?> ijava = Class.forName("io.github.spencerpark.ijava.IJava", false, loader);
            Object instance = ijava.getMethod("getKernelInstance").invoke(null);
            if (instance != null) {
                return new IJavaAdapter(instance);
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notIJava) {
            // not in IJava
        }
        try {
            // JJava (IJava's maintained fork): its base library keeps the running kernel; none running throws.
            Class<?> jjava = Class.forName("org.dflib.jjava.jupyter.kernel.BaseKernel", false, loader);
            Object instance = jjava.getMethod("notebookKernel").invoke(null);
            if (instance != null) {
                return new JJavaAdapter(instance);
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notJJava) {
            // not in JJava
        }
        try {
            // The rapaio jar may sit on a plain classpath (our tests); only a running kernel counts.
            Class.forName(RapaioAdapter.MAIN_CLASS, false, loader);
            if (RapaioAdapter.isRunning()) {
                return new RapaioAdapter();
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notRapaio) {
            // not in rapaio
        }
        return null;
    }

    // ---- bundles ----

    static Map<String, String> tableBundle(Relation table) {
        int rows = table.rowCount();
        boolean elided = rows > MAX_ROWS;
        StringBuilder html = new StringBuilder("<table class=\"dataframe\">\n");
        String caption = table.name() == null ? "" : table.name();
        if (elided) {
            caption += (caption.isEmpty() ? "" : ": ") + rows + " rows x " + table.columnCount() + " columns";
        }
        if (!caption.isEmpty()) {
            html.append("<caption>").append(escape(caption)).append("</caption>\n");
        }
        html.append("<thead><tr>");
        List<String[]> shown = new ArrayList<>();
        for (Column<?> column : table.columns()) {
            html.append(cell("th", column.name(), column instanceof NumericColumn));
            shown.add(shownValues(column));
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (int row = 0; row < rows; row++) {
            if (elided && row == HEAD_TAIL) {
                html.append("<tr>");
                for (Column<?> column : table.columns()) {
                    html.append(cell("td", "…", column instanceof NumericColumn));
                }
                html.append("</tr>\n");
                row = rows - HEAD_TAIL;
            }
            html.append("<tr>");
            for (int c = 0; c < table.columnCount(); c++) {
                html.append(cell("td", shown.get(c)[row], table.column(c) instanceof NumericColumn));
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>");
        return Displayable.htmlAndText(html.toString(), table.print());
    }

    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9][0-9,]*(\\.([0-9]+))?");

    /**
     * The column's values as its formatter prints them; in a number column whose values are all plain decimals,
     * each is padded with zeros to the most decimals any of them has, so 0.916 stands as 0.9160 beside 0.9145.
     */
    static String[] shownValues(Column<?> column) {
        String[] values = new String[column.size()];
        int decimals = 0;
        boolean plain = column instanceof NumericColumn;
        for (int row = 0; row < values.length; row++) {
            values[row] = column.getString(row);
            if (!plain || values[row].isEmpty()) {
                continue;
            }
            Matcher m = PLAIN_DECIMAL.matcher(values[row]);
            if (m.matches()) {
                decimals =
                        Math.max(decimals, m.group(2) == null ? 0 : m.group(2).length());
            } else {
                plain = false; // NaN, 1.0E-4, a custom format: left as printed
            }
        }
        if (plain && decimals > 0) {
            for (int row = 0; row < values.length; row++) {
                String v = values[row];
                if (!v.isEmpty()) {
                    int dot = v.indexOf('.');
                    int have = dot < 0 ? 0 : v.length() - dot - 1;
                    values[row] = (dot < 0 ? v + "." : v) + "0".repeat(decimals - have);
                }
            }
        }
        return values;
    }

    private static String cell(String tag, String text, boolean number) {
        String align = number ? " style=\"text-align:right\"" : " style=\"text-align:left\"";
        return "<" + tag + align + ">" + escape(text) + "</" + tag + ">";
    }

    static Map<String, String> chartBundle(Chart<?, ?> chart) {
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("image/png", Base64.getEncoder().encodeToString(Plots.png(chart)));
        String title = chart.getTitle() == null ? "" : chart.getTitle();
        // Named by XChart's own type (XYChart), not by a subclass of ours.
        Class<?> type = chart.getClass();
        while (!type.getName().startsWith("org.knowm.xchart.") && type.getSuperclass() != null) {
            type = type.getSuperclass();
        }
        bundle.put("text/plain", type.getSimpleName() + " '" + title + "'");
        return bundle;
    }

    /** Escapes text for use inside HTML elements and attribute values. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Rough text of an HTML snippet: tags dropped, the common entities decoded. */
    static String stripTags(String html) {
        return html.replaceAll("(?s)<[^>]*>", "")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&nbsp;", " ")
                .replace("&amp;", "&");
    }

    static {
        // Charts are drawn off screen; without this AWT may look for a display (a server, CI).
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // Registers with IJava as soon as anything here is used, so plain cell values render too.
        ensureRegistered();
    }
}
