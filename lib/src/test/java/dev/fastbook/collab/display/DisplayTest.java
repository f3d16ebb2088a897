package dev.fastbook.collab.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class DisplayTest {

    static Table small() {
        return Table.create(
                "movies",
                IntColumn.create("movie", 1, 2),
                StringColumn.create("title", "Toy Story (1995)", "Tom & Jerry <the movie>"),
                DoubleColumn.create("score", 4.5, 3.25));
    }

    @Test
    void tableBundleIsHtmlWithHeaderAndValuesPlusText() {
        Map<String, String> bundle = Display.bundle(small());
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(bundle.keySet()));
        String html = bundle.get("text/html");
        assertTrue(html.startsWith("<table"), html);
        assertTrue(html.contains("<caption>movies</caption>"), html);
        assertTrue(html.contains("<th style=\"text-align:right\">movie</th>"), html);
        assertTrue(html.contains("<th style=\"text-align:left\">title</th>"), html);
        assertTrue(html.contains("<td style=\"text-align:right\">2</td>"), html);
        assertTrue(html.contains(">Toy Story (1995)</td>"), html);
        assertTrue(html.contains(">4.50</td>") && html.contains(">3.25</td>"), "decimals aligned: " + html);
        assertTrue(html.contains(">Tom &amp; Jerry &lt;the movie&gt;</td>"), html); // escaped
        assertEquals(small().print(), bundle.get("text/plain"));
    }

    @Test
    void aNumberColumnKeepsItsTrailingZerosBesideLongerDecimals() {
        DoubleColumn rmse = DoubleColumn.create("rmse", 0.9145, 0.916, 0.91);
        rmse.appendMissing();
        assertEquals(List.of("0.9145", "0.9160", "0.9100", ""), List.of(Display.shownValues(rmse)));
        assertEquals(
                List.of("3", "5"),
                List.of(Display.shownValues(DoubleColumn.create("score", 3.0, 5.0))),
                "whole numbers stay whole");
        DoubleColumn share = DoubleColumn.create("share", 0.5, 0.125);
        share.setPrintFormatter(tech.tablesaw.columns.numbers.NumberColumnFormatter.percent(1));
        assertEquals(
                List.of("50.0%", "12.5%"), List.of(Display.shownValues(share)), "a custom format is left as it is");
        assertEquals(
                List.of("1.50", "2.25"),
                List.of(Display.shownValues(StringColumn.create("s", "1.50", "2.25"))),
                "text is never touched");
    }

    @Test
    void longTablesAreElidedWithTheirSizeInTheCaption() {
        Table table = Table.create("ratings", IntColumn.indexColumn("i", 1000, 0), IntColumn.indexColumn("j", 1000, 5));
        String html = Display.bundle(table).get("text/html");
        assertTrue(html.contains("<caption>ratings: 1000 rows x 2 columns</caption>"), html);
        assertTrue(html.contains(">9</td>") && html.contains(">999</td>") && html.contains(">…</td>"), html);
        assertFalse(html.contains(">500</td>"), html);
        assertEquals(Display.MAX_ROWS + 2, html.split("<tr>", -1).length - 1); // header + rows + the … row
    }

    @Test
    void otherObjectsAreEscapedTextInPre() {
        Map<String, String> bundle = Display.bundle("a < b && c");
        assertEquals("<pre>a &lt; b &amp;&amp; c</pre>", bundle.get("text/html"));
        assertEquals("a < b && c", bundle.get("text/plain"));
        assertEquals("null", Display.bundle(null).get("text/plain"));
    }

    @Test
    void escapeCoversTheFiveCharacters() {
        assertEquals("&lt;b&gt; &amp; &quot;x&quot; &#39;y&#39;", Display.escape("<b> & \"x\" 'y'"));
    }

    @Test
    void htmlSnippetFallsBackToTextWithoutTags() {
        Displayable d = Display.html("<b>epoch</b> 1 &amp; 2 &lt; 3");
        assertEquals("<b>epoch</b> 1 &amp; 2 &lt; 3", d.mimeBundle().get("text/html"));
        assertEquals("epoch 1 & 2 < 3", d.mimeBundle().get("text/plain"));
        assertEquals(d.mimeBundle(), Display.bundle(d));
    }

    @Test
    void displayableWithoutTextGetsOne() {
        Displayable onlyHtml = () -> Map.of("text/html", "<i>hi</i>");
        assertEquals("hi", Display.bundle(onlyHtml).get("text/plain"));
    }

    @Test
    void chartBundleIsPngAndAName() {
        XYChart chart = Plots.curves("y = a*x^2", new double[] {0, 1, 2}, Map.of("a=1", new double[] {0, 1, 4}), 0, 5);
        Map<String, String> bundle = Display.bundle(chart);
        assertEquals(List.of("image/png", "text/plain"), List.copyOf(bundle.keySet()));
        byte[] png = Base64.getDecoder().decode(bundle.get("image/png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, StandardCharsets.US_ASCII));
        assertEquals("XYChart 'y = a*x^2'", bundle.get("text/plain"));
    }

    @Test
    void plainJvmIsNotANotebookAndShowPrintsText() {
        assertFalse(Display.inNotebook());
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            LiveDisplay live = Display.show(small());
            live.update(Display.html("<b>updated</b>")); // prints nothing outside a notebook
            assertNull(live.id());
        } finally {
            System.setOut(old);
        }
        assertEquals(small().print() + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void liveDisplayShowsAsNothingButPrintsWhatItIs() {
        assertEquals(Map.of("text/plain", ""), Display.bundle(new LiveDisplay(null, null)));
        assertEquals(
                "LiveDisplay(not in a notebook: update(...) prints nothing)", new LiveDisplay(null, null).toString());
        assertEquals("LiveDisplay(display_id=abc)", new LiveDisplay(null, "abc").toString());
    }

    @Test
    void awtIsHeadless() {
        Display.ensureRegistered();
        assertEquals("true", System.getProperty("java.awt.headless"));
    }
}
