package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A notebook executed by the project's main job, {@code environment/run NAME.ipynb} (the real Jupyter and
 * Java kernel), then read back from {@code target/notebooks/NAME.ipynb}.
 *
 * <p>Each notebook runs at most once per test JVM: {@link #of(String)} caches the result (and a failure).
 * The build has just packaged the kernel's classpath, so the run is told not to rebuild
 * ({@code --no-build}); set {@code -Dfastbook.build=true} to let it rebuild when out of date.
 *
 * <p>While working on the tests only, {@code -Dfastbook.reuseExecuted=true} reads the executed copy an
 * earlier {@code environment/run} left in {@code target/notebooks/} instead of executing the notebook again.
 */
public final class ExecutedNotebook {

    /** One output of a code cell, as nbformat stores it. */
    public record Output(
            String type,
            Map<String, String> data,
            String streamName,
            String text,
            String ename,
            String evalue,
            List<String> traceback) {

        public boolean isError() {
            return "error".equals(type);
        }

        /** The error as one readable line plus its traceback (ANSI colours removed). */
        public String describe() {
            if (isError()) {
                return ename + ": " + evalue + "\n" + stripAnsi(String.join("\n", traceback));
            }
            return type + (streamName != null ? "(" + streamName + ")" : "") + " " + (text != null ? text : data);
        }
    }

    /** A code cell: its position among all cells, its source and outputs. */
    public record Cell(int index, String source, List<Output> outputs) {

        /** The cell's text/html outputs (results and displays), joined. */
        public String html() {
            return join("text/html");
        }

        /**
         * What a reader sees as text: text/plain where the kernel sent it, else the HTML without tags, plus
         * stream output (stdout, stderr).
         */
        public String text() {
            StringBuilder out = new StringBuilder();
            for (Output o : outputs) {
                if (o.text() != null) {
                    out.append(o.text());
                } else if (o.data() != null) {
                    String plain = o.data().get("text/plain");
                    String html = o.data().get("text/html");
                    if (plain != null) {
                        out.append(plain);
                    } else if (html != null) {
                        out.append(stripTags(html));
                    }
                }
                if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
                    out.append('\n');
                }
            }
            return out.toString();
        }

        /** What the cell printed on stdout. */
        public String stdout() {
            StringBuilder out = new StringBuilder();
            for (Output o : outputs) {
                if ("stream".equals(o.type()) && "stdout".equals(o.streamName()) && o.text() != null) {
                    out.append(o.text());
                }
            }
            return out.toString();
        }

        /** Every HTML table the cell shows, in order. */
        public List<HtmlTable> tables() {
            return HtmlTable.all(html());
        }

        public boolean hasPng() {
            return outputs.stream().anyMatch(o -> o.data() != null && o.data().containsKey("image/png"));
        }

        public List<Output> errors() {
            return outputs.stream().filter(Output::isError).toList();
        }

        private String join(String mime) {
            StringBuilder out = new StringBuilder();
            for (Output o : outputs) {
                if (o.data() != null && o.data().containsKey(mime)) {
                    out.append(o.data().get(mime)).append('\n');
                }
            }
            return out.toString();
        }
    }

    /** A bound on one notebook's whole run; environment/run bounds each cell (20 min) and the kernel start. */
    private static final long RUN_TIMEOUT_MINUTES = Long.getLong("fastbook.runTimeoutMinutes", 45);

    private static final Map<String, Object> RUNS = new HashMap<>();
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");

    private final String name;
    private final Path file;
    private final List<Cell> codeCells;
    private final List<String> markdown;
    private final long runMillis;

    private ExecutedNotebook(String name, Path file, List<Cell> codeCells, List<String> markdown, long runMillis) {
        this.name = name;
        this.file = file;
        this.codeCells = codeCells;
        this.markdown = markdown;
        this.runMillis = runMillis;
    }

    /** The repository root (the failsafe configuration passes it; else the parent of the working folder). */
    public static Path repo() {
        String configured = System.getProperty("fastbook.repo");
        Path root = configured != null
                ? Path.of(configured)
                : Path.of("").toAbsolutePath().getParent();
        return root.toAbsolutePath().normalize();
    }

    /** Runs {@code notebooks/NAME.ipynb} through {@code environment/run} once, then reads the executed copy. */
    public static synchronized ExecutedNotebook of(String name) {
        Object cached = RUNS.get(name);
        if (cached == null) {
            try {
                cached = execute(name);
            } catch (AssertionError | RuntimeException e) {
                cached = e;
            }
            RUNS.put(name, cached);
        }
        if (cached instanceof AssertionError e) {
            throw e;
        }
        if (cached instanceof RuntimeException e) {
            throw e;
        }
        return (ExecutedNotebook) cached;
    }

    private static ExecutedNotebook execute(String name) {
        Path repo = repo();
        Path output = repo.resolve("target/notebooks/" + name + ".ipynb");
        if (Boolean.getBoolean("fastbook.reuseExecuted")) {
            if (!Files.isRegularFile(output)) {
                fail("-Dfastbook.reuseExecuted=true but there is no " + output + ": run environment/run " + name
                        + ".ipynb");
            }
            System.out.printf("[%s] reusing the executed copy %s (-Dfastbook.reuseExecuted=true)%n", name, output);
            return read(name, output, 0);
        }
        List<String> command =
                new ArrayList<>(List.of("bash", repo.resolve("environment/run").toString()));
        if (!Boolean.getBoolean("fastbook.build")) {
            command.add("--no-build");
        }
        command.add(name + ".ipynb");
        long start = System.nanoTime();
        Deque<String> tail = new ArrayDeque<>();
        int exit;
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
            Process process = builder.start();
            process.getOutputStream().close();
            Thread pump = new Thread(
                    () -> {
                        try (BufferedReader lines = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = lines.readLine()) != null) {
                                System.out.println("[" + name + "] " + line);
                                synchronized (tail) {
                                    tail.addLast(line);
                                    if (tail.size() > 80) {
                                        tail.removeFirst();
                                    }
                                }
                            }
                        } catch (IOException ignored) {
                            // the process ended
                        }
                    },
                    "run-" + name);
            pump.setDaemon(true);
            pump.start();
            if (!process.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                fail("environment/run " + name + ".ipynb did not finish in " + RUN_TIMEOUT_MINUTES + " minutes");
            }
            pump.join(10_000);
            exit = process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (exit != 0) {
            String last;
            synchronized (tail) {
                last = String.join("\n", tail);
            }
            fail(String.join(" ", command) + " exited with " + exit + "; its last lines:\n" + stripAnsi(last));
        }
        if (!Files.isRegularFile(output)) {
            fail("environment/run succeeded but did not write " + output);
        }
        System.out.printf("[%s] executed in %.1f s%n", name, millis / 1000.0);
        return read(name, output, millis);
    }

    /** Reads an executed notebook (nbformat 4). */
    public static ExecutedNotebook read(String name, Path file, long runMillis) {
        JsonObject nb;
        try {
            nb = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Cell> cells = new ArrayList<>();
        List<String> markdown = new ArrayList<>();
        JsonArray all = nb.getAsJsonArray("cells");
        for (int i = 0; i < all.size(); i++) {
            JsonObject cell = all.get(i).getAsJsonObject();
            if ("markdown".equals(cell.get("cell_type").getAsString())) {
                markdown.add(multiline(cell.get("source")));
            }
            if (!"code".equals(cell.get("cell_type").getAsString())) {
                continue;
            }
            List<Output> outputs = new ArrayList<>();
            JsonArray outs = cell.has("outputs") ? cell.getAsJsonArray("outputs") : new JsonArray();
            for (JsonElement element : outs) {
                outputs.add(output(element.getAsJsonObject()));
            }
            cells.add(new Cell(i, multiline(cell.get("source")), Collections.unmodifiableList(outputs)));
        }
        return new ExecutedNotebook(
                name, file, Collections.unmodifiableList(cells), Collections.unmodifiableList(markdown), runMillis);
    }

    private static Output output(JsonObject o) {
        String type = o.get("output_type").getAsString();
        Map<String, String> data = null;
        if (o.has("data")) {
            data = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("data").entrySet()) {
                data.put(
                        e.getKey(),
                        e.getValue().isJsonPrimitive() || e.getValue().isJsonArray()
                                ? multiline(e.getValue())
                                : e.getValue().toString());
            }
        }
        List<String> traceback = new ArrayList<>();
        if (o.has("traceback")) {
            o.getAsJsonArray("traceback").forEach(t -> traceback.add(t.getAsString()));
        }
        return new Output(
                type,
                data,
                o.has("name") ? o.get("name").getAsString() : null,
                o.has("text") ? multiline(o.get("text")) : null,
                o.has("ename") ? o.get("ename").getAsString() : null,
                o.has("evalue") ? o.get("evalue").getAsString() : null,
                traceback);
    }

    /** nbformat stores text as a string or as a list of lines. */
    private static String multiline(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return "";
        }
        if (element.isJsonArray()) {
            StringBuilder out = new StringBuilder();
            element.getAsJsonArray().forEach(line -> out.append(line.getAsString()));
            return out.toString();
        }
        return element.getAsString();
    }

    public String name() {
        return name;
    }

    public Path file() {
        return file;
    }

    public long runMillis() {
        return runMillis;
    }

    public List<Cell> codeCells() {
        return codeCells;
    }

    /** The markdown cells' sources, in order. */
    public List<String> markdown() {
        return markdown;
    }

    /** The markdown headings (lines starting with '#', marks stripped), in order. */
    public List<String> headings() {
        return markdown.stream()
                .flatMap(String::lines)
                .filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "").strip())
                .toList();
    }

    /** Every code cell whose source contains {@code marker}, in order. */
    public List<Cell> cells(String marker) {
        return codeCells.stream().filter(c -> c.source().contains(marker)).toList();
    }

    /** Fails with every error output, cell by cell, when any cell raised. */
    public void assertNoErrors() {
        List<Output> errors = errors();
        org.junit.jupiter.api.Assertions.assertTrue(
                errors.isEmpty(),
                () -> "cells with errors:\n"
                        + errors.stream().map(Output::describe).collect(java.util.stream.Collectors.joining("\n\n")));
        org.junit.jupiter.api.Assertions.assertFalse(codeCells().isEmpty(), "the notebook has code cells");
    }

    /** Every error output, in cell order. */
    public List<Output> errors() {
        return codeCells.stream().flatMap(c -> c.errors().stream()).toList();
    }

    /** The first code cell whose source contains {@code marker}. */
    public Cell cell(String marker) {
        return codeCells.stream()
                .filter(c -> c.source().contains(marker))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no code cell of " + name + " contains: " + marker));
    }

    public String html(String cellMarker) {
        return cell(cellMarker).html();
    }

    public String text(String cellMarker) {
        return cell(cellMarker).text();
    }

    public boolean hasPng(String cellMarker) {
        return cell(cellMarker).hasPng();
    }

    /** The first number shown by the cell (2.1420000000000003, -1.611, 1e-3 ...). */
    public double number(String cellMarker) {
        String text = text(cellMarker);
        Matcher m = NUMBER.matcher(text);
        if (!m.find()) {
            throw new AssertionError("no number in the output of the cell with '" + cellMarker + "': " + text);
        }
        return Double.parseDouble(m.group());
    }

    /** The first HTML table the cell shows. */
    public HtmlTable table(String cellMarker) {
        return HtmlTable.first(html(cellMarker));
    }

    static String stripAnsi(String s) {
        return ANSI.matcher(s).replaceAll("");
    }

    static String stripTags(String html) {
        return HtmlTable.unescape(html.replaceAll("(?s)<[^>]*>", ""));
    }
}
