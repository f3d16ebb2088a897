package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java kernel as Jupyter drives it, without a browser: environment/kernel-fix/kernel-check.py (jupyter_client)
 * starts it several times, each time sending kernel_info_request once as notebook 6.4's server does, then runs
 * Thread.sleep(20000), interrupts it, and runs 1+1 and a println. These are the rapaio-jupyter-kernel 3.0.1 bugs
 * environment/kernel-fix corrects: a start that never answered, an interrupt after which the interrupted cell got
 * no reply and later cells ran nothing, output lost ("Errno 4") from a thread whose interrupt flag is set, and the
 * connection file with its key written into the kernel's log.
 */
class KernelCheckIT {

    private static final Path REPO = ExecutedNotebook.repo();
    private static final int STARTS = 5;

    private static Path reportFile;
    private static Processes.Result result;
    private static JsonObject report;

    @BeforeAll
    static void checkTheKernel() throws IOException {
        // The kernelspec (with the fix) is written by setup; Maven has just built the kernel's classpath.
        Processes.Result setup = Processes.run(
                List.of("bash", REPO.resolve("environment/setup").toString(), "--no-build"), REPO, Map.of(), 300);
        assertEquals(0, setup.exit(), setup::describe);
        assertTrue(
                setup.stdout().contains("kernel fix: start race, interrupt, status at open and key in the log fixed"),
                setup::describe);

        reportFile = Files.createTempFile("kernel-check-", ".json");
        result = Processes.run(
                List.of(
                        python(),
                        REPO.resolve("environment/kernel-fix/kernel-check.py").toString(),
                        "--starts",
                        String.valueOf(STARTS),
                        "--interrupt",
                        "--display",
                        "--report",
                        reportFile.toString()),
                REPO,
                Map.of("JUPYTER_PATH", REPO.resolve("target/jupyter").toString()),
                600);
        System.out.println("[kernel-check] " + result.stdout().strip().replace("\n", "\n[kernel-check] "));
        report = JsonParser.parseString(Files.readString(reportFile, StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (reportFile != null) {
            Files.deleteIfExists(reportFile);
        }
    }

    /** The Python beside the jupyter that setup uses (FASTBOOK_JUPYTER, else Debian's), as setup finds it. */
    private static String python() {
        String jupyter = System.getenv("FASTBOOK_JUPYTER");
        if (jupyter != null && !jupyter.isEmpty()) {
            Path beside = Path.of(jupyter).getParent().resolve("python3");
            if (Files.isExecutable(beside)) {
                return beside.toString();
            }
        }
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    @Test
    void theCheckPasses() {
        assertEquals(0, result.exit(), result::describe);
    }

    @Test
    void everyStartAnswersItsOneKernelInfoRequest() {
        JsonObject starts = report.getAsJsonObject("starts");
        assertEquals(STARTS, starts.get("starts").getAsInt(), starts::toString);
        assertEquals(0, starts.get("unanswered").getAsInt(), starts::toString);
        // A kernel asked to shut down ends by itself (jupyter_client kills one that has not after 5 s).
        assertTrue(starts.get("shutdown_seconds_max").getAsDouble() < 5, starts::toString);
    }

    /** The kernel's log (readable by every local user) never holds the key that signs its messages. */
    @Test
    void noKernelLogHoldsTheConnectionKey() {
        JsonObject starts = report.getAsJsonObject("starts");
        assertEquals(STARTS, starts.get("logs_checked").getAsInt(), () -> "each start's log was found: " + starts);
        assertEquals(0, starts.get("logs_with_key").getAsInt(), starts::toString);
    }

    /** Display is registered once, by the kernel loading the library: no library class needs touching first. */
    @Test
    void aTablesawTableInTheFirstCellRendersAsHtml() {
        JsonObject display = report.getAsJsonObject("display");
        assertEquals(0, display.getAsJsonArray("problems").size(), display::toString);
        assertTrue(display.get("html_table").getAsBoolean(), display::toString);
    }

    @Test
    void theInterruptedCellIsAnsweredAndTheNextCellsShowTheirOutput() {
        JsonObject check = report.getAsJsonObject("interrupt");
        assertEquals(0, check.getAsJsonArray("problems").size(), check::toString);
        JsonObject interrupted = check.getAsJsonObject("interrupted");
        assertEquals("error", interrupted.get("reply").getAsString(), interrupted::toString);
        assertEquals("sleep interrupted", interrupted.get("evalue").getAsString(), interrupted::toString);
        assertTrue(interrupted.get("idle").getAsBoolean(), interrupted::toString);
        assertTrue(interrupted.get("reply_seconds").getAsDouble() < 5, interrupted::toString);
        assertEquals(
                "[\"2\"]",
                check.getAsJsonObject("one_plus_one").getAsJsonArray("results").toString(),
                check::toString);
        assertTrue(
                check.getAsJsonObject("println").get("streams").getAsString().contains("after the interrupt"),
                check::toString);
        // Output of a thread whose interrupt flag is set arrives whole (jeromq alone fails such sends: Errno 4).
        assertEquals(
                "300 lines",
                check.getAsJsonObject("printed_while_flagged").get("streams").getAsString(),
                check::toString);
        JsonObject stubborn = check.getAsJsonObject("ignores_interrupt");
        assertTrue(
                stubborn.get("evalue").getAsString().contains("goes on running in the background"), stubborn::toString);
    }
}
