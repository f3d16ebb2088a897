package dev.fastbook.notebooks;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a reader sees in a notebook's outputs, compared between the committed notebook and a fresh run, and
 * scanned for what a reader should never see.
 *
 * <p>The comparison: text and tables exactly, except that a number written with a decimal point (or an
 * exponent) may differ by {@value #RELATIVE} of its size or by {@value #ABSOLUTE}, whichever is more
 * (training on another CPU or JDK moves the last digits); whole numbers exactly; timings (a "time" or
 * seconds column, "00:01", "84.0 ms", "0.10 s") not at all; a plot only by being there.
 */
final class OutputComparison {

    static final double RELATIVE = 0.02;
    static final double ABSOLUTE = 0.005;

    private static final Pattern NUMBER = Pattern.compile("-?\\d[\\d,]*(?:\\.\\d+)?(?:[eE][-+]?\\d+)?");
    private static final Pattern CLOCK = Pattern.compile("\\b\\d{2}:\\d{2}\\b");
    private static final Pattern DURATION = Pattern.compile("\\d[\\d,]*(?:\\.\\d+)? ?(?:ms|s)\\b");
    private static final Pattern TIME_COLUMN = Pattern.compile("(?i)time|seconds|s_per_\\w+|\\w+_ms");
    private static final Pattern EMBEDDED_IMAGE = Pattern.compile("data:image/[a-z]+;base64,[A-Za-z0-9+/=\\s]+");

    private static final Pattern OBJECT_DUMP = Pattern.compile("[A-Za-z_$][\\w$.]*@[0-9a-f]{5,8}\\b");
    private static final Pattern WARNING = Pattern.compile("(?im)^\\s*(?:WARNING|WARN|Warning)\\b.*$");
    private static final Pattern STACK_FRAME =
            Pattern.compile("(?m)^\\s+at [\\w.$<>/]+\\(.*$|Exception in thread \".*");

    private OutputComparison() {}

    /** One thing a cell shows: a stream's text, a table, other text, a plot or an error. */
    record Shown(String kind, String text, HtmlTable table) {
        @Override
        public String toString() {
            return kind + (table != null ? ":\n" + table : text.isEmpty() ? "" : ": " + HtmlTable.abbreviate(text));
        }
    }

    /** The cell's outputs as a reader sees them, in order. */
    static List<Shown> shown(ExecutedNotebook.Cell cell) {
        List<Shown> out = new ArrayList<>();
        for (ExecutedNotebook.Output o : cell.outputs()) {
            if (o.isError()) {
                out.add(new Shown("error", o.ename() + ": " + o.evalue(), null));
            } else if ("stream".equals(o.type())) {
                out.add(new Shown(o.streamName(), o.text(), null));
            } else if (o.data() != null) {
                if (o.data().containsKey("image/png")) {
                    out.add(new Shown("png", "", null));
                } else if (o.data().containsKey("text/html")) {
                    String html =
                            EMBEDDED_IMAGE.matcher(o.data().get("text/html")).replaceAll("[image]");
                    HtmlTable.all(html).forEach(t -> out.add(new Shown("table", "", t)));
                    String rest = ExecutedNotebook.stripTags(html.replaceAll("(?is)<table\\b.*?</table>", ""))
                            .strip();
                    if (!rest.isEmpty()) {
                        out.add(new Shown("html", rest, null));
                    }
                } else {
                    out.add(new Shown("text", o.data().getOrDefault("text/plain", ""), null));
                }
            }
        }
        return out;
    }

    /** Every way the committed notebook's outputs differ from the fresh run's (none: an empty list). */
    static List<String> differences(ExecutedNotebook committed, ExecutedNotebook fresh) {
        List<String> found = new ArrayList<>();
        List<ExecutedNotebook.Cell> was = committed.codeCells();
        List<ExecutedNotebook.Cell> now = fresh.codeCells();
        if (was.size() != now.size()) {
            found.add(was.size() + " code cells committed, " + now.size() + " run");
            return found;
        }
        for (int c = 0; c < was.size(); c++) {
            String where =
                    "cell " + was.get(c).index() + " (" + firstLine(was.get(c).source()) + ")";
            if (!was.get(c).source().equals(now.get(c).source())) {
                found.add(where + ": the committed source is not the one that ran");
                continue;
            }
            List<Shown> a = shown(was.get(c));
            List<Shown> b = shown(now.get(c));
            if (a.size() != b.size() || !kinds(a).equals(kinds(b))) {
                found.add(where + ": committed " + kinds(a) + ", the run shows " + kinds(b) + ":\n  committed " + a
                        + "\n  run " + b);
                continue;
            }
            for (int i = 0; i < a.size(); i++) {
                String d = a.get(i).table() != null
                        ? compareTables(a.get(i).table(), b.get(i).table())
                        : compareText(a.get(i).text(), b.get(i).text());
                if (d != null) {
                    found.add(where + ", " + a.get(i).kind() + " " + (i + 1) + ": " + d);
                }
            }
        }
        return found;
    }

    /** Null when equal under the rules above, else what differs first. */
    static String compareText(String committed, String fresh) {
        String a = maskTimings(committed);
        String b = maskTimings(fresh);
        Matcher ma = NUMBER.matcher(a);
        Matcher mb = NUMBER.matcher(b);
        int ia = 0;
        int ib = 0;
        while (true) {
            boolean fa = ma.find();
            boolean fb = mb.find();
            String textA = a.substring(ia, fa ? ma.start() : a.length());
            String textB = b.substring(ib, fb ? mb.start() : b.length());
            if (!textA.equals(textB)) {
                return "text \"" + HtmlTable.abbreviate(textA) + "\" is now \"" + HtmlTable.abbreviate(textB) + "\"";
            }
            if (fa != fb) {
                return "a number " + (fa ? "disappeared: " + ma.group() : "appeared: " + mb.group());
            }
            if (!fa) {
                return null;
            }
            if (!closeEnough(ma.group(), mb.group())) {
                return ma.group() + " is now " + mb.group() + " (tolerance " + RELATIVE + " relative or " + ABSOLUTE
                        + ")";
            }
            ia = ma.end();
            ib = mb.end();
        }
    }

    static String compareTables(HtmlTable committed, HtmlTable fresh) {
        if (!committed.headerRows().equals(fresh.headerRows())) {
            return "table header " + committed.headerRows() + " is now " + fresh.headerRows();
        }
        if (committed.rows().size() != fresh.rows().size()) {
            return "table of " + committed.rows().size() + " rows now has "
                    + fresh.rows().size();
        }
        List<String> header = committed.header();
        for (int r = 0; r < committed.rows().size(); r++) {
            List<String> a = committed.rows().get(r);
            List<String> b = fresh.rows().get(r);
            if (a.size() != b.size()) {
                return "table row " + r + " " + a + " is now " + b;
            }
            for (int c = 0; c < a.size(); c++) {
                if (c < header.size() && TIME_COLUMN.matcher(header.get(c)).matches()) {
                    continue;
                }
                String d = compareText(a.get(c), b.get(c));
                if (d != null) {
                    return "table row " + r + ", column " + (c < header.size() ? header.get(c) : c) + ": " + d;
                }
            }
        }
        return null;
    }

    private static boolean closeEnough(String a, String b) {
        boolean decimal = a.matches(".*[.eE].*") || b.matches(".*[.eE].*");
        if (!decimal) {
            return a.equals(b);
        }
        double x = Double.parseDouble(a.replace(",", ""));
        double y = Double.parseDouble(b.replace(",", ""));
        return Math.abs(x - y) <= Math.max(ABSOLUTE, RELATIVE * Math.max(Math.abs(x), Math.abs(y)));
    }

    private static String maskTimings(String text) {
        return DURATION.matcher(CLOCK.matcher(text).replaceAll("[time]")).replaceAll("[time]");
    }

    /**
     * Object dumps (java.io.PrintStream@70b460fc), WARNING lines, stack traces and errors anywhere in the outputs,
     * and a library notice (a line starting "CollabDataLoaders:") printed more than once.
     */
    static List<String> blemishes(ExecutedNotebook nb) {
        List<String> found = new ArrayList<>();
        java.util.Set<String> notices = new java.util.HashSet<>();
        for (ExecutedNotebook.Cell cell : nb.codeCells()) {
            String where = nb.name() + " cell " + cell.index() + " (" + firstLine(cell.source()) + "): ";
            for (Shown s : shown(cell)) {
                String text = s.table() != null ? s.table().toString() : s.text();
                if (s.kind().equals("error")) {
                    found.add(where + "an error: " + text);
                }
                text.lines()
                        .filter(l -> l.startsWith("CollabDataLoaders:"))
                        .filter(l -> !notices.add(l))
                        .forEach(l -> found.add(where + "printed again: " + l));
                for (Pattern p : List.of(OBJECT_DUMP, WARNING, STACK_FRAME)) {
                    Matcher m = p.matcher(text);
                    if (m.find()) {
                        found.add(where + m.group().strip());
                    }
                }
            }
        }
        return found;
    }

    private static List<String> kinds(List<Shown> shown) {
        return shown.stream().map(Shown::kind).toList();
    }

    private static String firstLine(String source) {
        String line = source.strip().lines().findFirst().orElse("");
        return line.length() > 60 ? line.substring(0, 60) + "..." : line;
    }
}
