package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs a command for the shell-level ITs: bounded in time, output captured (stdout and stderr apart). */
final class Processes {

    /** What a finished command left: its exit status and its two output streams. */
    record Result(List<String> command, int exit, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }

        String describe() {
            return String.join(" ", command) + " -> exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private Processes() {}

    static Result run(List<String> command, Path directory, Map<String, String> env, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("fastbook-it-", ".out");
            Path err = Files.createTempFile("fastbook-it-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s; its output:\n"
                            + Files.readString(out) + Files.readString(err));
                }
                return new Result(
                        command,
                        process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every regular file under {@code root} with its size and modification time (empty when absent). */
    static Map<Path, String> snapshot(Path root) {
        if (!Files.exists(root)) {
            return Map.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).collect(java.util.stream.Collectors.toMap(p -> p, p -> {
                try {
                    return Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
                } catch (IOException e) {
                    return "gone";
                }
            }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A notebook (nbformat 4.5, every cell with an id) of code cells on the given kernel. */
    static String notebook(String kernelName, List<String> cells) {
        com.google.gson.JsonObject nb = new com.google.gson.JsonObject();
        com.google.gson.JsonArray all = new com.google.gson.JsonArray();
        for (int i = 0; i < cells.size(); i++) {
            com.google.gson.JsonObject cell = new com.google.gson.JsonObject();
            cell.addProperty("cell_type", "code");
            cell.addProperty("id", "cell-" + i);
            cell.add("execution_count", com.google.gson.JsonNull.INSTANCE);
            cell.add("metadata", new com.google.gson.JsonObject());
            cell.add("outputs", new com.google.gson.JsonArray());
            cell.addProperty("source", cells.get(i));
            all.add(cell);
        }
        nb.add("cells", all);
        com.google.gson.JsonObject spec = new com.google.gson.JsonObject();
        spec.addProperty("display_name", kernelName);
        spec.addProperty("language", "java");
        spec.addProperty("name", kernelName);
        com.google.gson.JsonObject metadata = new com.google.gson.JsonObject();
        metadata.add("kernelspec", spec);
        nb.add("metadata", metadata);
        nb.addProperty("nbformat", 4);
        nb.addProperty("nbformat_minor", 5);
        return nb.toString();
    }
}
