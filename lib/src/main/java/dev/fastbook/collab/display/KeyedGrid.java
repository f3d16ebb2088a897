package dev.fastbook.collab.display;

import java.util.List;
import java.util.Map;

/**
 * A grid of cells under a header of column keys, each row led by its key, as a notebook shows it
 * (an HTML table, and right-aligned text). Some cells may be marked, e.g. the predictions that fill
 * a crosstab's blanks: italic and coloured in HTML, in brackets as text, with a caption saying so.
 *
 * @param corner      the top-left header, e.g. {@code "user \ movie"}
 * @param cells       the cells as shown, {@code ""} for a blank
 * @param marked      which cells are marked, or null for none
 * @param caption     a caption (plain text, followed by the mark's legend), or null for none
 * @param markLegend  what a marked cell means, shown in the mark's style after the caption
 */
public record KeyedGrid(
        String corner,
        List<String> rowKeys,
        List<String> columnKeys,
        String[][] cells,
        boolean[][] marked,
        String caption,
        String markLegend)
        implements Displayable {

    /** How a marked cell looks in HTML. */
    public static final String MARKED_STYLE = "font-style:italic;color:#1f5fa8;background-color:#e8f0fb";

    /** A grid with nothing marked and no caption. */
    public static KeyedGrid of(String corner, List<String> rowKeys, List<String> columnKeys, String[][] cells) {
        return new KeyedGrid(corner, rowKeys, columnKeys, cells, null, null, null);
    }

    private boolean isMarked(int r, int c) {
        return marked != null && marked[r][c];
    }

    /** The HTML table; Jupyter right-aligns table cells itself, and a blank stays a bare {@code <td></td>}. */
    public String html() {
        StringBuilder out = new StringBuilder("<table class=\"dataframe crosstab\">\n");
        if (caption != null) {
            out.append("<caption>")
                    .append(Display.escape(caption))
                    .append("<span style=\"")
                    .append(MARKED_STYLE)
                    .append("\">")
                    .append(Display.escape(markLegend))
                    .append("</span></caption>\n");
        }
        out.append("<thead><tr><th>").append(Display.escape(corner)).append("</th>");
        for (String key : columnKeys) {
            out.append("<th>").append(Display.escape(key)).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < rowKeys.size(); r++) {
            out.append("<tr><th>").append(Display.escape(rowKeys.get(r))).append("</th>");
            for (int c = 0; c < columnKeys.size(); c++) {
                out.append(isMarked(r, c) ? "<td class=\"predicted\" style=\"" + MARKED_STYLE + "\">" : "<td>")
                        .append(Display.escape(cells[r][c]))
                        .append("</td>");
            }
            out.append("</tr>\n");
        }
        return out.append("</tbody>\n</table>").toString();
    }

    /** Right-aligned columns, marked cells in brackets. */
    public String text() {
        int columns = columnKeys.size() + 1;
        String[][] lines = new String[rowKeys.size() + 1][columns];
        lines[0][0] = corner;
        for (int c = 1; c < columns; c++) {
            lines[0][c] = columnKeys.get(c - 1);
        }
        for (int r = 0; r < rowKeys.size(); r++) {
            lines[r + 1][0] = rowKeys.get(r);
            for (int c = 1; c < columns; c++) {
                lines[r + 1][c] = isMarked(r, c - 1) ? "(" + cells[r][c - 1] + ")" : cells[r][c - 1];
            }
        }
        int[] width = new int[columns];
        for (String[] line : lines) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            for (int i = 0; i < columns; i++) {
                out.append(i == 0 ? "" : "  ")
                        .append(" ".repeat(width[i] - line[i].length()))
                        .append(line[i]);
            }
            out.append('\n');
        }
        return out.toString().stripTrailing();
    }

    @Override
    public Map<String, String> mimeBundle() {
        return Displayable.htmlAndText(html(), text());
    }

    @Override
    public String toString() {
        return text();
    }
}
