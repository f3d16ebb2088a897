package dev.fastbook.collab.recommend;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.model.EmbSz;
import dev.fastbook.collab.model.EmbeddingNN;
import dev.fastbook.collab.model.YRange;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved folder whose sizes were edited, by hand or by a hostile sender: each load must end in an
 * IOException naming the file and the field, before memory is allocated for the edited size. The
 * loads run in a child JVM with a small heap, because before these checks some of them crashed
 * the JVM (SIGSEGV inside the engine while a backup of an oversized tensor was taken).
 */
class EditedSavedModelTest {
    private record Edit(String file, UnaryOperator<byte[]> change, String... expected) {}

    @Test
    void editedSizesGiveAnIOExceptionNamingFileAndFieldInAChildJvm(@TempDir Path tmp) throws Exception {
        Path dot = tmp.resolve("dot");
        Recommender.of(SavedModelTest.model(1)).save(dot);
        Path nn = tmp.resolve("nn");
        Vocab users = Recommender.load(dot).users();
        Vocab items = Recommender.load(dot).items();
        EmbeddingNN model = new EmbeddingNN(
                List.of(new EmbSz(users.size(), 3), new EmbSz(items.size(), 3)), new int[] {5}, YRange.of(0, 5.5));
        Recommender.of(model, users, items).save(nn);

        Map<String, Edit> cases = new LinkedHashMap<>();
        cases.put(
                "factors-2e7",
                new Edit(
                        "model.properties",
                        text(s -> s.replace("factors=4", "factors=20000000")),
                        "model.properties declares factors=20000000",
                        "but model.params holds"));
        cases.put(
                "factors-max",
                new Edit(
                        "model.properties",
                        text(s -> s.replace("factors=4", "factors=2147483647")),
                        "model.properties declares factors=2147483647",
                        "weights of 446676598784 bytes"));
        cases.put(
                "params-shape",
                new Edit(
                        "model.params",
                        bytes -> replace(bytes, new Shape(31, 4).getEncoded(), new Shape(310_000_000, 4).getEncoded()),
                        "model.params does not hold parameters for this EmbeddingDotBias",
                        "differs from this model's layout",
                        "uWeight"));
        cases.put(
                "params-length",
                new Edit(
                        "model.params",
                        bytes -> {
                            byte[] shape = new Shape(31, 4).getEncoded();
                            int at = indexOf(bytes, shape) + shape.length;
                            ByteBuffer.wrap(bytes).putInt(at, Integer.MAX_VALUE - 8);
                            return bytes;
                        },
                        "model.params does not hold parameters",
                        "differs from this model's layout",
                        "shape or length"));
        cases.put(
                "params-type",
                new Edit(
                        "model.params",
                        bytes -> replace(
                                bytes,
                                "FLOAT32".getBytes(StandardCharsets.UTF_8),
                                "FLOAT64".getBytes(StandardCharsets.UTF_8)),
                        "model.params does not hold parameters",
                        "type"));
        cases.put(
                "params-longer",
                new Edit(
                        "model.params",
                        bytes -> java.util.Arrays.copyOf(bytes, bytes.length + 100_000),
                        "model.params does not hold parameters",
                        "bytes after the last parameter: 101329 bytes, 1329"));
        cases.put(
                "props-huge",
                new Edit("model.properties", bytes -> new byte[(1 << 20) + 10], "model.properties holds more than"));
        cases.put(
                "nn-emb",
                new Edit(
                        "model.properties",
                        text(s -> s.replaceAll("embSzs=31x3", "embSzs=31x400000000")),
                        "model.properties declares embSzs=31x400000000",
                        "model.params holds"));
        cases.put(
                "nn-hidden",
                new Edit(
                        "model.properties",
                        text(s -> s.replace("hidden=5", "hidden=2000000000")),
                        "declares embSzs=31x3,21x3 and hidden=2000000000"));

        List<String> dirs = new ArrayList<>();
        for (var c : cases.entrySet()) {
            Path source = c.getKey().startsWith("nn") ? nn : dot;
            Path copy = tmp.resolve(c.getKey());
            copyFolder(source, copy);
            Path version =
                    copy.resolve(Files.readString(copy.resolve("current")).strip());
            Path file = version.resolve(c.getValue().file());
            byte[] edited = c.getValue().change().apply(Files.readAllBytes(file));
            assertFalse(
                    java.util.Arrays.equals(edited, Files.readAllBytes(file)),
                    c.getKey() + ": the edit changed the file");
            Files.write(file, edited);
            dirs.add(copy.toString());
        }

        Map<String, String[]> results = runChild(dirs);
        for (var c : cases.entrySet()) {
            String[] r = results.get(c.getKey());
            assertNotNull(r, c.getKey() + ": the child ended without a result (crashed?): " + results.keySet());
            assertEquals(IOException.class.getName(), r[0], c.getKey() + ": " + r[0] + ": " + r[1]);
            for (String part : c.getValue().expected()) {
                assertTrue(r[1].contains(part), c.getKey() + " says '" + part + "': " + r[1]);
            }
            System.out.println("[EditedSavedModelTest] " + c.getKey() + ": " + r[1]);
        }
    }

    /** Runs {@link LoadEdited} on the folders; its marked lines by folder name: exception class and message. */
    private static Map<String, String[]> runChild(List<String> dirs) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                LoadEdited.class.getName()));
        command.addAll(dirs);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, String[]> out = new LinkedHashMap<>();
        List<String> other = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("RESULT|")) {
                    String[] parts = line.split("\\|", 4);
                    out.put(parts[1], new String[] {parts[2], parts[3]});
                } else {
                    other.add(line);
                }
            }
        } finally {
            if (!child.waitFor(120, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        assertEquals(0, child.exitValue(), () -> "the child JVM ends normally; it printed " + other);
        return out;
    }

    private static UnaryOperator<byte[]> text(UnaryOperator<String> edit) {
        return bytes -> edit.apply(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] replace(byte[] bytes, byte[] from, byte[] to) {
        int at = indexOf(bytes, from);
        assertTrue(at >= 0 && from.length == to.length, "the pattern is in the file");
        System.arraycopy(to, 0, bytes, at, to.length);
        return bytes;
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
