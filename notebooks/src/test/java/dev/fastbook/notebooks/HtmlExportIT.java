package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HTML exports as a reader's browser shows them: environment/check-html renders each executed notebook's
 * page in headless Chromium and checks that its tables, results tables and PNG plots are on the page.
 */
class HtmlExportIT {

    private static final List<String> NOTEBOOKS = List.of("08_collab", "08_collab_next");

    @Test
    void everyNotebookPageRendersItsTablesAndPlotsInChromium() throws IOException, InterruptedException {
        Path repo = ExecutedNotebook.repo();
        List<String> command = new ArrayList<>(
                List.of("bash", repo.resolve("environment/check-html").toString()));
        for (String name : NOTEBOOKS) {
            ExecutedNotebook nb = ExecutedNotebook.of(name); // executes it unless this JVM already did
            Path html = repo.resolve("target/notebooks/" + name + ".html");
            assertTrue(Files.isRegularFile(html), "environment/run wrote " + html);
            String page = Files.readString(html, StandardCharsets.UTF_8);
            long pngs = nb.codeCells().stream()
                    .filter(ExecutedNotebook.Cell::hasPng)
                    .count();
            assertTrue(
                    page.contains("data:image/png") || pngs == 0, name + ": the PNG outputs are embedded in the page");
            command.add(name + ".html");
        }
        Process process = new ProcessBuilder(command)
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "check-html finished");
        System.out.print(output);
        assertEquals(0, process.exitValue(), () -> "environment/check-html failed:\n" + output);
        for (String name : NOTEBOOKS) {
            assertTrue(output.contains("ok: " + name + ":"), () -> name + " checked:\n" + output);
            assertTrue(
                    Files.size(repo.resolve("target/notebooks/screens/" + name + ".png")) > 10_000,
                    name + ": a screenshot with content");
        }
    }
}
