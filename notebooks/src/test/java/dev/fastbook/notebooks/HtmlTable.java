package dev.fastbook.notebooks;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cells of a simple HTML table as text, enough to check what a notebook shows: header rows (rows with
 * only {@code <th>} cells) and data rows (rows with at least one {@code <td>}), in order.
 */
public record HtmlTable(List<List<String>> headerRows, List<List<String>> rows, String html) {

    private static final Pattern TABLE = Pattern.compile("(?is)<table\\b.*?</table>");
    private static final Pattern ROW = Pattern.compile("(?is)<tr\\b[^>]*>(.*?)</tr>");
    private static final Pattern CELL = Pattern.compile("(?is)<(t[hd])\\b[^>]*>(.*?)</\\1>");

    /** The first table in {@code html}; fails when there is none. */
    public static HtmlTable first(String html) {
        Matcher table = TABLE.matcher(html);
        if (!table.find()) {
            throw new AssertionError("no <table> in: " + abbreviate(html));
        }
        return parse(table.group());
    }

    /** Every table in {@code html}, in order (none: an empty list). */
    public static List<HtmlTable> all(String html) {
        List<HtmlTable> tables = new ArrayList<>();
        Matcher table = TABLE.matcher(html);
        while (table.find()) {
            tables.add(parse(table.group()));
        }
        return tables;
    }

    static HtmlTable parse(String tableHtml) {
        List<List<String>> headers = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        Matcher row = ROW.matcher(tableHtml);
        while (row.find()) {
            List<String> cells = new ArrayList<>();
            boolean hasTd = false;
            Matcher cell = CELL.matcher(row.group(1));
            while (cell.find()) {
                hasTd |= cell.group(1).equalsIgnoreCase("td");
                cells.add(unescape(cell.group(2).replaceAll("(?s)<[^>]*>", "")).strip());
            }
            (hasTd ? rows : headers).add(cells);
        }
        return new HtmlTable(headers, rows, tableHtml);
    }

    /** The last header row (the column names), or an empty list. */
    public List<String> header() {
        return headerRows.isEmpty() ? List.of() : headerRows.get(headerRows.size() - 1);
    }

    /** Occurrences of {@code <tag} (e.g. "tr", "th") in the table's HTML. */
    public int count(String tag) {
        Matcher m = Pattern.compile("(?i)<" + tag + "\\b").matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static String unescape(String s) {
        return s.replace("&nbsp;", " ")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    static String abbreviate(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "...";
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        headerRows.forEach(r -> out.append(String.join(" | ", r)).append('\n'));
        rows.forEach(r -> out.append(String.join(" | ", r)).append('\n'));
        return out.toString();
    }
}
