package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code environment/run} on a small notebook of its own: a relative {@code FASTBOOK_DATA} is taken from the
 * directory the command is run in, a failing cell keeps the last good executed copy and writes the failed run
 * beside it, and the error is printed once, without colour codes (the output is not a terminal).
 */
class RunnerIT {

    private static final String NAME = "runner_probe_it";
    private static Path temp;
    private static Path notebook;
    private static Path out;

    @BeforeAll
    static void folders() throws IOException {
        temp = Files.createTempDirectory("runner-it-");
        Files.createDirectories(temp.resolve("my-data"));
        notebook = temp.resolve("nb/" + NAME + ".ipynb");
        Files.createDirectories(notebook.getParent());
        out = ExecutedNotebook.repo().resolve("target/notebooks");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        Processes.deleteTree(temp);
        for (String suffix : List.of(".ipynb", ".html", ".failed.ipynb")) {
            Files.deleteIfExists(out.resolve(NAME + suffix));
        }
        Files.deleteIfExists(out.resolve("logs/" + NAME + ".log"));
        Files.deleteIfExists(out.resolve("logs/" + NAME + ".kernel.log"));
    }

    private static Processes.Result run(String data) {
        Path repo = ExecutedNotebook.repo();
        return Processes.run(
                List.of("bash", repo.resolve("environment/run").toString(), "--no-build", notebook.toString()),
                temp,
                Map.of("FASTBOOK_DATA", data),
                600);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void goodRunThenFailingRun() throws IOException {
        Files.writeString(notebook, Processes.notebook("java", List.of("System.getenv(\"FASTBOOK_DATA\")")));
        Processes.Result good = run("my-data");
        assertEquals(0, good.exit(), good::describe);
        ExecutedNotebook first = ExecutedNotebook.read(NAME, out.resolve(NAME + ".ipynb"), 0);
        String data = first.codeCells().get(0).text().strip();
        assertEquals(
                temp.resolve("my-data").toRealPath().toString(),
                Path.of(data).toRealPath().toString(),
                "relative FASTBOOK_DATA taken from the directory run was started in");
        assertFalse(Files.exists(out.resolve(NAME + ".failed.ipynb")));
        assertTrue(good.stdout().contains("executed notebooks are in"), good::describe);

        Files.writeString(
                notebook,
                Processes.notebook(
                        "java",
                        List.of(
                                "System.getenv(\"FASTBOOK_DATA\")",
                                "throw new IllegalStateException(\"boom on purpose\");",
                                "1 + 1")));
        Processes.Result bad = run("my-data");
        assertEquals(1, bad.exit(), bad::describe);
        String all = bad.all();
        assertEquals(1, count(all, "An error occurred while executing the following cell"), all);
        assertEquals(1, count(all, "java.lang.IllegalStateException: boom on purpose"), all);
        assertFalse(all.contains("\u001B["), () -> "no colour codes when not a terminal:\n" + all);
        assertFalse(all.contains("executed notebooks are in"), () -> "none was written:\n" + all);
        assertFalse(all.contains("Traceback (most recent call last)"), all);

        // The last good copy stays; the failed run is beside it, with its outputs up to the error.
        ExecutedNotebook kept = ExecutedNotebook.read(NAME, out.resolve(NAME + ".ipynb"), 0);
        assertEquals(1, kept.codeCells().size(), "the good copy is the earlier one-cell run");
        ExecutedNotebook failed = ExecutedNotebook.read(NAME, out.resolve(NAME + ".failed.ipynb"), 0);
        assertEquals(data, failed.codeCells().get(0).text().strip());
        assertEquals(1, failed.errors().size(), () -> failed.errors().toString());
        assertTrue(failed.codeCells().get(2).outputs().isEmpty(), "the cell after the error did not run");
        assertTrue(all.contains(out.resolve(NAME + ".failed.ipynb").toString()), all);
    }

    @Test
    void aDataFolderThatIsNotThereIsNamed() {
        Processes.Result r = run("no-such-folder");
        assertEquals(2, r.exit(), r::describe);
        assertTrue(r.stderr().contains("FASTBOOK_DATA=" + temp.resolve("no-such-folder")), r::describe);
        assertTrue(r.stderr().contains("is not a folder"), r::describe);
    }
}
