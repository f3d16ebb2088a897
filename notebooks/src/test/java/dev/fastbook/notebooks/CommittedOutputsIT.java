package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The notebooks are committed with their outputs (so a repository page shows them), and those outputs must
 * be what the committed code produces: each notebook is executed (once per test JVM, shared with the other
 * ITs) and compared with its committed copy under {@link OutputComparison}'s rules. After a change that moves
 * an output, refresh them all with {@code environment/run --commit-outputs}.
 */
class CommittedOutputsIT {

    @ParameterizedTest
    @ValueSource(strings = {"08_collab", "08_collab_next", "08_collab_full", "08_collab_benchmarks"})
    void theCommittedOutputsAreWhatTheCodeProduces(String name) {
        Path committedFile = ExecutedNotebook.repo().resolve("notebooks/" + name + ".ipynb");
        ExecutedNotebook committed = ExecutedNotebook.read(name, committedFile, 0);
        long withOutputs = committed.codeCells().stream()
                .filter(c -> !c.outputs().isEmpty())
                .count();
        assertTrue(withOutputs > 0, () -> committedFile + " has no outputs: run environment/run --commit-outputs");
        ExecutedNotebook fresh = ExecutedNotebook.of(name);
        List<String> differences = OutputComparison.differences(committed, fresh);
        assertEquals(
                List.of(),
                differences,
                () -> committedFile + " no longer shows what its code produces ("
                        + differences.size()
                        + " outputs differ); if the change is meant, refresh the committed outputs with"
                        + " environment/run --commit-outputs:\n" + String.join("\n", differences));
    }

    @ParameterizedTest
    @ValueSource(strings = {"08_collab", "08_collab_next", "08_collab_full", "08_collab_benchmarks"})
    void noOutputShowsAnObjectDumpAWarningOrAStackTrace(String name) throws Exception {
        List<String> fresh = OutputComparison.blemishes(ExecutedNotebook.of(name));
        assertEquals(
                List.of(),
                fresh,
                () -> "run on Java " + Runtime.version().feature() + " (the kernel's JDK is the" + " build's):\n"
                        + String.join("\n", fresh));
        Path committedFile = ExecutedNotebook.repo().resolve("notebooks/" + name + ".ipynb");
        List<String> committed = OutputComparison.blemishes(ExecutedNotebook.read(name, committedFile, 0));
        assertEquals(List.of(), committed, () -> "committed " + committedFile + ":\n" + String.join("\n", committed));
        long size = Files.size(committedFile);
        assertTrue(size < 2_000_000, () -> committedFile + " is " + size + " bytes: too big for a repository page");
    }
}
