package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live notebook in a real browser: environment/browser/live-check starts {@code environment/run --jupyter}
 * on a free port with its own token, checks the kernel status at open with JupyterLab 4's kernel client, drives
 * the front end in headless Chromium through 08_collab.ipynb (cells run, Kernel > Interrupt, Kernel > Restart),
 * then stops the kernels by id and the server by pid. This test runs it for every front end it can: the classic
 * Notebook UI, then JupyterLab 4 and Notebook 7 where pip can install them (else their tests are skipped, with
 * the reason), and checks what each page showed (its report), the screenshots, and that nothing is left.
 */
class LiveNotebookIT {

    private static final Path REPO = ExecutedNotebook.repo();
    private static final Path LIVE = REPO.resolve("target/notebooks/live");
    private static final Path NOTEBOOK = REPO.resolve("notebooks/08_collab.ipynb");
    private static final long TIMEOUT_MINUTES = 10;

    private static int exit;
    private static String output;
    private static JsonObject report;
    private static JsonObject cleanup;
    private static String notebookBefore;
    private static String notebookAfter;

    /** What one run of live-check for one front end left: its exit status, output and reports. */
    record Run(
            String frontEnd,
            int exit,
            String output,
            JsonObject report,
            JsonObject kernelStatus,
            JsonObject cleanup,
            String notebookBefore,
            String notebookAfter) {
        boolean skipped() {
            return exit == 3;
        }
    }

    private static final Map<String, Run> RUNS = new LinkedHashMap<>();

    @BeforeAll
    static void driveTheNotebookInChromium() throws IOException, InterruptedException {
        // Every front end it can: the classic UI always; JupyterLab 4 and Notebook 7 where pip can install them.
        for (String front : List.of("classic", "lab", "notebook7")) {
            RUNS.put(front, liveCheck(front));
        }
        Run classic = RUNS.get("classic");
        exit = classic.exit();
        output = classic.output();
        report = classic.report();
        cleanup = classic.cleanup();
        notebookBefore = classic.notebookBefore();
        notebookAfter = classic.notebookAfter();
        System.out.println("[live] Kernel > Reconnect needed: " + report.getAsJsonArray("reconnects"));
    }

    private static Run liveCheck(String front) throws IOException, InterruptedException {
        String before = sha256(NOTEBOOK);
        List<String> command = new ArrayList<>(
                List.of("bash", REPO.resolve("environment/browser/live-check").toString(), "--front-end", front));
        if (!Boolean.getBoolean("fastbook.build")) {
            command.add("--no-build"); // Maven has just built the kernel's classpath (package phase)
        }
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .directory(REPO.toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread pump = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            System.out.println("[live " + front + "] " + line);
                            synchronized (out) {
                                out.append(line).append('\n');
                            }
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                },
                "live-check-" + front);
        pump.setDaemon(true);
        pump.start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            // live-check's EXIT trap stops the server and kernels by id when it is terminated.
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
            fail("environment/browser/live-check --front-end " + front + " did not finish in " + TIMEOUT_MINUTES
                    + " minutes");
        }
        pump.join(10_000);
        String text;
        synchronized (out) {
            text = out.toString();
        }
        System.out.printf(
                "[live %s] live-check took %.1f s, exit %d%n",
                front, (System.nanoTime() - start) / 1e9, process.exitValue());
        Path dir = front.equals("classic") ? LIVE : LIVE.resolve(front);
        if (process.exitValue() == 3) {
            return new Run(
                    front, 3, text, readJson(dir.resolve("report.json"), text), null, null, before, sha256(NOTEBOOK));
        }
        return new Run(
                front,
                process.exitValue(),
                text,
                readJson(dir.resolve("report.json"), text),
                readJson(dir.resolve("kernel-status.json"), text),
                readJson(dir.resolve("cleanup.json"), text),
                before,
                sha256(NOTEBOOK));
    }

    @Test
    void liveCheckSucceeds() {
        assertEquals(0, exit, () -> "environment/browser/live-check failed:\n" + output);
        assertTrue(report.get("ok").getAsBoolean(), () -> "the page run failed: " + report.get("error"));
        assertEquals(
                0,
                report.getAsJsonArray("pageErrors").size(),
                () -> "JavaScript errors on the page: " + report.get("pageErrors"));
    }

    @Test
    void theNotebookRunsOnTheJavaKernel() {
        JsonObject kernel = report.getAsJsonObject("kernel");
        assertEquals("java", kernel.get("name").getAsString(), kernel::toString);
        assertEquals("Java (fastbook)", kernel.get("indicator").getAsString(), "the name the page shows");
        assertEquals("rapaio-jupyter-kernel", kernel.get("implementation").getAsString(), kernel::toString);
    }

    @Test
    void ratingsTableAndCrosstabRenderAsHtmlTables() {
        JsonObject ratings = table(report.getAsJsonObject("ratings"));
        assertEquals(List.of("user", "movie", "rating", "timestamp"), strings(ratings.getAsJsonArray("header")));
        JsonArray rows = ratings.getAsJsonArray("rows");
        assertEquals(5, rows.size(), ratings::toString);
        assertEquals(
                List.of("196", "242", "3", "881250949"), strings(rows.get(0).getAsJsonArray()));
        assertEquals(
                List.of("186", "302", "3", "891717742"), strings(rows.get(1).getAsJsonArray()));

        JsonObject crosstab = table(report.getAsJsonObject("crosstab"));
        List<String> header = strings(crosstab.getAsJsonArray("header"));
        assertEquals(16, header.size(), () -> "a corner cell and 15 movie ids: " + header);
        assertEquals(
                15,
                header.subList(1, 16).stream().map(Integer::parseInt).distinct().count(),
                header::toString);
        JsonArray crossRows = crosstab.getAsJsonArray("rows");
        assertEquals(15, crossRows.size(), crosstab::toString);
        for (JsonElement row : crossRows) {
            List<String> cells = strings(row.getAsJsonArray());
            assertEquals(16, cells.size(), () -> "a user id then 15 ratings: " + cells);
            Integer.parseInt(cells.get(0));
            cells.subList(1, 16).stream()
                    .filter(c -> !c.isEmpty())
                    .forEach(c ->
                            assertTrue(c.matches("[1-5]"), () -> "a rating or a blank, not " + c + " in " + cells));
        }
        // Movie 50 (Star Wars) has the most ratings of all, so it is one of the 15 columns.
        assertTrue(header.contains("50"), () -> "movie 50 is among the most rated: " + header);
    }

    @Test
    void trainingTableRedrawsInPlaceAndEndsWithFiveRows() {
        JsonObject training = report.getAsJsonObject("training");
        List<JsonObject> states = objects(training.getAsJsonArray("states"));
        List<Integer> rows = states.stream().map(s -> s.get("rows").getAsInt()).toList();
        assertTrue(
                rows.stream().distinct().count() >= 3,
                () -> "the table was seen with several row counts as epochs finished: " + rows);
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(rows.get(i) >= rows.get(i - 1), () -> "rows only grow: " + rows);
        }
        assertEquals(5, rows.get(rows.size() - 1), () -> "the last state has 5 rows: " + rows);
        // In place: one output area with one table at every moment, never a second table appended below.
        for (JsonObject s : states) {
            assertEquals(1, s.get("outputAreas").getAsInt(), () -> "one output area: " + states);
            assertEquals(1, s.get("tables").getAsInt(), () -> "one table: " + states);
        }
        assertTrue(
                states.stream().anyMatch(s -> !s.get("progress").isJsonNull()),
                () -> "a progress bar was drawn: " + states);

        JsonObject cell = training.getAsJsonObject("final");
        assertEquals(
                List.of("display_data"), strings(cell.getAsJsonArray("outputTypes")), "one output, updated in place");
        assertTrue(
                cell.get("prompt").getAsString().matches("In \\[\\d+\\]:"),
                () -> "the cell finished: " + cell.get("prompt"));
        JsonObject table = table(cell);
        assertEquals(List.of("epoch", "train_loss", "valid_loss", "time"), strings(table.getAsJsonArray("header")));
        JsonArray epochs = table.getAsJsonArray("rows");
        assertEquals(5, epochs.size(), table::toString);
        for (int e = 0; e < 5; e++) {
            List<String> r = strings(epochs.get(e).getAsJsonArray());
            assertEquals(String.valueOf(e), r.get(0), r::toString);
            double train = Double.parseDouble(r.get(1));
            double valid = Double.parseDouble(r.get(2));
            assertTrue(train > 0 && train < 5 && valid > 0 && valid < 5, () -> "losses of a 1-5 star rating: " + r);
            assertTrue(r.get(3).matches("\\d\\d:\\d\\d"), r::toString);
        }
    }

    @Test
    void interruptStopsTheRunningCellAndTheKernelGoesIdle() {
        JsonObject interrupt = report.getAsJsonObject("interrupt");
        assertTrue(
                interrupt.get("busyBefore").getAsBoolean(),
                "the kernel was busy with the cell when it was interrupted");
        JsonObject cell = interrupt.getAsJsonObject("interrupted");
        int rows = table(cell).getAsJsonArray("rows").size();
        assertTrue(rows < 5, () -> "the interrupted training did not run to its end: " + cell);
        JsonObject idle = report.getAsJsonArray("steps").asList().stream()
                .map(JsonElement::getAsJsonObject)
                .filter(s -> s.get("name").getAsString().equals("kernel idle after the interrupt"))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("the kernel went idle after the interrupt: " + report.get("steps")));
        assertTrue(idle.get("after").getAsDouble() < 60, idle::toString);
    }

    /**
     * The kernel comes back from the interrupt: the interrupted cell gets its reply (a prompt number, not
     * "In [*]") with the error that says where training stopped, and the next cells run and show their output:
     * the second trains again and shows its results table. rapaio-jupyter-kernel 3.0.1 failed all of this (its
     * interrupt shut down the executor of every later snippet and answered the interrupted request with the
     * interrupt as parent); environment/kernel-fix holds the fix, kernel-check.py checks it without a browser.
     */
    @Test
    void cellsAfterTheInterruptShowTheirOutput() {
        JsonObject interrupt = report.getAsJsonObject("interrupt");
        JsonObject cell = interrupt.getAsJsonObject("interrupted");
        assertTrue(cell.get("answered").getAsBoolean(), () -> "the interrupted cell got its reply: " + cell);
        assertTrue(
                cell.get("prompt").getAsString().matches("In \\[\\d+\\]:"),
                () -> "a prompt number: " + cell.get("prompt"));
        List<String> errors = strings(cell.getAsJsonArray("errors"));
        assertEquals(1, errors.size(), () -> "one error output: " + cell);
        // Learner's own words: before which batch of which epoch (or of validation) it stopped.
        assertTrue(
                errors.get(0).matches(".*(Training interrupted in epoch|Validation interrupted before batch).*"),
                () -> "the error says where training stopped: " + errors);
        assertTrue(
                cell.get("text").getAsString().contains("java.util.concurrent.CancellationException"),
                () -> cell.get("text").getAsString());

        List<JsonObject> following = objects(interrupt.getAsJsonArray("following"));
        assertEquals(2, following.size(), interrupt::toString);
        for (JsonObject f : following) {
            assertTrue(f.get("answered").getAsBoolean(), f::toString);
            assertEquals(0, f.getAsJsonArray("errors").size(), f::toString);
        }
        assertEquals(5, table(following.get(1)).getAsJsonArray("rows").size(), following.get(1)::toString);
    }

    /** Each start answered the page's one kernel_info request: no Kernel > Reconnect was needed. */
    @Test
    void theKernelAnswersEveryStartWithoutReconnect() {
        assertEquals(
                0,
                report.getAsJsonArray("reconnects").size(),
                () -> "Kernel > Reconnect was needed: " + report.get("reconnects"));
    }

    @Test
    void restartBringsTheKernelBack() {
        JsonObject restart = report.getAsJsonObject("restart");
        List<String> events = strings(restart.getAsJsonArray("events"));
        int restarting = events.indexOf("kernel_restarting.Kernel");
        assertTrue(
                restarting >= 0 && events.subList(restarting, events.size()).contains("kernel_ready.Kernel"),
                events::toString);
        assertEquals(
                report.getAsJsonObject("kernel").get("id").getAsString(),
                restart.get("kernelId").getAsString(),
                "a restart keeps the kernel's id");
        List<String> prompts = strings(restart.getAsJsonArray("rerunPrompts"));
        assertEquals("In [1]:", prompts.get(0), () -> "a fresh kernel counts from 1: " + prompts);
        JsonObject ratings = table(restart.getAsJsonObject("ratings"));
        assertEquals(
                List.of("196", "242", "3", "881250949"),
                strings(ratings.getAsJsonArray("rows").get(0).getAsJsonArray()));
    }

    @Test
    void screenshotsShowEachStep() throws IOException {
        List<String> names = List.of(
                "1-ratings-and-crosstab",
                "2-training",
                "3-trained",
                "4-interrupted",
                "5-after-interrupt",
                "6-restarted");
        for (String name : names) {
            Path png = REPO.resolve("target/notebooks/screens/live-" + name + ".png");
            assertTrue(Files.isRegularFile(png), () -> "screenshot " + png);
            byte[] bytes = Files.readAllBytes(png);
            assertTrue(bytes.length > 20_000, () -> png + " has content (" + bytes.length + " bytes)");
            assertEquals((byte) 0x89, bytes[0], png + " is a PNG");
            assertEquals('P', bytes[1], png + " is a PNG");
        }
    }

    @Test
    void kernelsAndServerAreStoppedByIdAndNothingIsLeft() {
        List<JsonObject> kernels = objects(cleanup.getAsJsonArray("kernels"));
        assertEquals(1, kernels.size(), () -> "the one kernel of the notebook: " + cleanup);
        for (JsonObject k : kernels) {
            assertEquals(204, k.get("deleteStatus").getAsInt(), () -> "DELETE /api/kernels/<id>: " + k);
            assertTrue(k.get("exited").getAsBoolean(), k::toString);
            assertEquals(1, k.getAsJsonArray("processes").size(), () -> "its java process was found by its id: " + k);
        }
        assertEquals("SIGTERM", cleanup.get("server").getAsString(), cleanup::toString);
        assertEquals(0, cleanup.getAsJsonArray("leftovers").size(), cleanup::toString);
        // Look again from here: no java or jupyter process names these kernels or this server's port.
        List<String> needles = new ArrayList<>(kernels.stream()
                .map(k -> "kernel-" + k.get("id").getAsString() + ".json")
                .toList());
        needles.add("--port=" + cleanup.get("port").getAsInt());
        long serverPid = cleanup.get("serverPid").getAsLong();
        assertFalse(
                ProcessHandle.of(serverPid).map(ProcessHandle::isAlive).orElse(false),
                "the server process " + serverPid + " is gone");
        List<String> left = ProcessHandle.allProcesses()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .filter(cmd -> needles.stream().anyMatch(cmd::contains))
                .toList();
        assertEquals(List.of(), left, "processes left by the live run");
    }

    @Test
    void theCommittedNotebookIsNeverSaved() {
        assertEquals(notebookBefore, notebookAfter, "notebooks/08_collab.ipynb is unchanged after the browser ran it");
        assertTrue(report.get("dirty").getAsBoolean(), "the page holds unsaved outputs (autosave is off)");
    }

    /**
     * JupyterLab 4's own kernel client (@jupyterlab/services, kernel-status.mjs), with the page config JupyterLab 4
     * gets from jupyter_server 2 (statuses answering kernel_info_request do not count), opens a session on the
     * server of each front end and sees the kernel's status become idle without running a cell. One session id in
     * every message the kernel sent, and no debugger (environment/kernel-fix/patches/05 and 06).
     */
    @ParameterizedTest
    @ValueSource(strings = {"classic", "lab", "notebook7"})
    void theKernelStatusBecomesIdleWithoutRunningACell(String front) {
        Run run = installed(front);
        JsonObject status = run.kernelStatus();
        assertTrue(status.get("idle").getAsBoolean(), () -> front + ": the status became idle: " + status);
        assertTrue(status.get("idleAfter").getAsDouble() < 120, status::toString);
        assertEquals(1, status.getAsJsonArray("kernelSessions").size(), () -> "one kernel session: " + status);
        assertFalse(status.get("debugger").getAsBoolean(), status::toString);
        assertEquals(
                0,
                status.getAsJsonArray("errors").size(),
                () -> "no message failed the client's validation: " + status);
        assertTrue(status.get("shutdown").getAsBoolean(), status::toString);
    }

    /** The same checks as the classic UI's, in JupyterLab 4 and Notebook 7 (where pip could install them). */
    @ParameterizedTest
    @ValueSource(strings = {"lab", "notebook7"})
    void jupyterLabAndNotebook7ShowTheNotebookAsTheClassicUiDoes(String front) throws IOException {
        Run run = installed(front);
        JsonObject r = run.report();
        assertEquals(0, run.exit(), () -> front + ": live-check failed:\n" + run.output());
        assertTrue(r.get("ok").getAsBoolean(), () -> front + ": " + r.get("error"));
        // Only the front ends' own known errors: JupyterLab 4.6's debugger handler calls displayModules() after
        // every execute_reply without a debugger session ("No active debugger session", for any kernel whose
        // kernelspec does not declare a debugger), and Notebook 7 loads a settings plugin without its schema.
        List<String> unknown = strings(r.getAsJsonArray("pageErrors")).stream()
                .filter(e -> !e.equals("Error: No active debugger session")
                        && !e.equals("TypeError: Cannot read properties of undefined (reading 'schema')"))
                .toList();
        assertEquals(List.of(), unknown, () -> front + ": JavaScript errors on the page");

        // The status once the notebook has opened: idle before any cell ran, never "unknown" after that.
        JsonObject atOpen = r.getAsJsonObject("statusAtOpen");
        assertTrue(atOpen.get("idle").getAsBoolean(), atOpen::toString);
        List<String> seen = objects(atOpen.getAsJsonArray("seen")).stream()
                .map(o -> o.get("status").getAsString())
                .toList();
        assertEquals("idle", seen.get(seen.size() - 1), seen::toString);
        JsonObject kernel = r.getAsJsonObject("kernel");
        assertEquals("java", kernel.get("name").getAsString(), kernel::toString);
        assertEquals("Java (fastbook)", kernel.get("indicator").getAsString(), kernel::toString);
        assertEquals("rapaio-jupyter-kernel", kernel.get("implementation").getAsString(), kernel::toString);
        assertFalse(kernel.get("debugger").getAsBoolean(), kernel::toString);

        assertEquals(
                List.of("196", "242", "3", "881250949"),
                strings(table(r.getAsJsonObject("ratings"))
                        .getAsJsonArray("rows")
                        .get(0)
                        .getAsJsonArray()));
        assertEquals(
                15, table(r.getAsJsonObject("crosstab")).getAsJsonArray("rows").size());

        List<JsonObject> states = objects(r.getAsJsonObject("training").getAsJsonArray("states"));
        List<Integer> rows = states.stream().map(x -> x.get("rows").getAsInt()).toList();
        assertTrue(rows.stream().distinct().count() >= 3, () -> front + ": the table grew epoch by epoch: " + rows);
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(rows.get(i) >= rows.get(i - 1), () -> "rows only grow: " + rows);
        }
        for (JsonObject x : states) {
            assertTrue(
                    x.get("outputAreas").getAsInt() <= 1 && x.get("tables").getAsInt() <= 1,
                    () -> "in place: " + states);
        }
        assertEquals(
                5,
                table(r.getAsJsonObject("training").getAsJsonObject("final"))
                        .getAsJsonArray("rows")
                        .size());

        JsonObject interrupt = r.getAsJsonObject("interrupt");
        assertTrue(interrupt.get("busyBefore").getAsBoolean(), interrupt::toString);
        JsonObject cell = interrupt.getAsJsonObject("interrupted");
        assertTrue(cell.get("answered").getAsBoolean(), cell::toString);
        List<String> errors = strings(cell.getAsJsonArray("errors"));
        assertTrue(
                errors.size() == 1
                        && errors.get(0)
                                .matches(".*(Training interrupted in epoch|Validation interrupted before batch).*"),
                () -> "the error says where training stopped: " + errors);
        List<JsonObject> following = objects(interrupt.getAsJsonArray("following"));
        assertEquals(2, following.size(), interrupt::toString);
        following.forEach(f -> assertTrue(
                f.get("answered").getAsBoolean() && f.getAsJsonArray("errors").isEmpty(), f::toString));

        JsonObject restart = r.getAsJsonObject("restart");
        assertEquals(
                restart.get("kernelIdBefore").getAsString(),
                restart.get("kernelId").getAsString(),
                "a restart keeps the kernel's id");
        assertEquals("In [1]:", strings(restart.getAsJsonArray("rerunPrompts")).get(0), restart::toString);

        for (String name : List.of(
                "0-opened",
                "1-ratings-and-crosstab",
                "3-trained",
                "4-interrupted",
                "5-after-interrupt",
                "6-restarted")) {
            Path png = REPO.resolve("target/notebooks/screens/live-" + front + "-" + name + ".png");
            assertTrue(Files.isRegularFile(png) && Files.size(png) > 20_000, () -> "screenshot " + png);
        }
        List<JsonObject> kernels = objects(run.cleanup().getAsJsonArray("kernels"));
        kernels.forEach(k -> assertEquals(204, k.get("deleteStatus").getAsInt(), k::toString));
        assertEquals(0, run.cleanup().getAsJsonArray("leftovers").size(), run.cleanup()::toString);
        assertEquals(run.notebookBefore(), run.notebookAfter(), front + ": notebooks/08_collab.ipynb was never saved");
        assertTrue(r.get("dirty").getAsBoolean(), "the page holds unsaved outputs (autosave is off)");
    }

    /** The run of this front end; a front end pip could not install here is skipped (said, never faked). */
    private static Run installed(String front) {
        Run run = RUNS.get(front);
        assumeFalse(
                run.skipped(),
                () -> front + " was not checked: " + run.report().get("reason").getAsString());
        return run;
    }

    // ---------------------------------------------------------------- helpers

    private static JsonObject table(JsonObject cellView) {
        JsonArray tables = cellView.getAsJsonArray("tables");
        assertEquals(
                1,
                tables.size(),
                () -> "one HTML table in the output area of cell " + cellView.get("index") + ": " + cellView);
        return tables.get(0).getAsJsonObject();
    }

    private static List<String> strings(JsonArray array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonElement::getAsString)
                .toList();
    }

    private static List<JsonObject> objects(JsonArray array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonElement::getAsJsonObject)
                .toList();
    }

    private static JsonObject readJson(Path file, String output) {
        if (!Files.isRegularFile(file)) {
            fail("live-check wrote no " + file + "; its output:\n" + output);
        }
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
