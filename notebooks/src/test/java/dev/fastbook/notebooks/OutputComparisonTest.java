package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The freshness rules on small outputs (no kernel needed). */
class OutputComparisonTest {

    @Test
    void decimalsMayMoveWithinTheToleranceWholeNumbersAndTextMayNot() {
        assertNull(OutputComparison.compareText("valid_loss 0.8190, rmse 0.905", "valid_loss 0.8191, rmse 0.9049"));
        assertNotNull(OutputComparison.compareText("valid_loss 0.8190", "valid_loss 0.8500"), "4% off");
        assertNotNull(OutputComparison.compareText("users: 943", "users: 944"), "a count is exact");
        assertNotNull(OutputComparison.compareText("Star Wars (1977)", "Star Trek (1979)"), "text is exact");
        assertNotNull(OutputComparison.compareText("a 1.5 b", "a 1.5"), "a number disappeared");
        assertNull(
                OutputComparison.compareText("minimum=1.09648e-07", "minimum=1.2e-07"),
                "tiny: within the absolute part");
    }

    @Test
    void timingsAreIgnored() {
        assertNull(OutputComparison.compareText(
                "run 1: top 10 for each of 943 users in 84.0 ms", "run 1: top 10 for each of 943 users in 12.5 ms"));
        assertNull(OutputComparison.compareText(
                "top 10 for each of 610 users in 0.10 s", "top 10 for each of 610 users in 1.93 s"));
        assertNull(OutputComparison.compareText("00:01", "00:07"));
        assertNotNull(
                OutputComparison.compareText("for each of 943 users in 84.0 ms", "for each of 900 users in 84.0 ms"));
    }

    @Test
    void tablesSkipTheirTimeColumnsOnly() {
        HtmlTable a = HtmlTable.first(table("0.819370", "00:01"));
        assertNull(OutputComparison.compareTables(a, HtmlTable.first(table("0.819371", "00:09"))));
        assertNotNull(OutputComparison.compareTables(a, HtmlTable.first(table("0.919370", "00:01"))));
    }

    @Test
    void aPlotMustBeThereAndWarningsDumpsAndTracesAreFound(@TempDir Path tmp) throws IOException {
        ExecutedNotebook withPlot = notebook(
                tmp,
                "a",
                "{\"output_type\": \"display_data\", \"metadata\": {},"
                        + " \"data\": {\"image/png\": \"iVBORw0KGgo=\", \"text/plain\": \"XYChart 'Loss'\"}}");
        ExecutedNotebook withText = notebook(tmp, "b", stream("XYChart 'Loss'\\n"));
        assertEquals(1, OutputComparison.differences(withPlot, withText).size());
        assertEquals(List.of(), OutputComparison.differences(withPlot, withPlot));

        ExecutedNotebook bad = notebook(
                tmp,
                "c",
                stream("java.io.PrintStream@70b460fc\\n") + ", "
                        + stream("WARNING: sun.misc.Unsafe::invokeCleaner has been called\\n") + ", "
                        + stream("java.lang.IllegalStateException: x\\n    at dev.fastbook.Foo.bar(Foo.java:12)\\n"));
        List<String> found = OutputComparison.blemishes(bad);
        assertEquals(3, found.size(), found::toString);
        assertTrue(found.get(0).endsWith("java.io.PrintStream@70b460fc"), found::toString);
        assertEquals(List.of(), OutputComparison.blemishes(withText));
    }

    private static String table(String loss, String time) {
        return "<table><thead><tr><th>epoch</th><th>valid_loss</th><th>time</th></tr></thead>"
                + "<tbody><tr><td>0</td><td>" + loss + "</td><td>" + time + "</td></tr></tbody></table>";
    }

    private static String stream(String text) {
        return "{\"output_type\": \"stream\", \"name\": \"stdout\", \"text\": \"" + text + "\"}";
    }

    private static ExecutedNotebook notebook(Path dir, String name, String outputs) throws IOException {
        Path file = dir.resolve(name + ".ipynb");
        Files.writeString(
                file,
                "{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\","
                        + " \"metadata\": {}, \"source\": \"learn.recorder().plotLoss()\", \"outputs\": [" + outputs
                        + "]}]}");
        return ExecutedNotebook.read(name, file, 0);
    }
}
