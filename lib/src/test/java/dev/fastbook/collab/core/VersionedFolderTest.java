package dev.fastbook.collab.core;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionedFolderTest {
    static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void publishesVersionsAndReadsTheCurrentOne(@TempDir Path tmp) throws IOException {
        VersionedFolder f = new VersionedFolder(tmp.resolve("v"), "snap");
        f.publish(d -> Files.writeString(d.resolve("a.txt"), "one"));
        f.publish(d -> Files.writeString(d.resolve("a.txt"), "two"));
        assertEquals(List.of(".lock", "current", "snap-2"), names(f.dir()));
        assertEquals("two", f.read(d -> Files.readString(d.resolve("a.txt"))));
        assertEquals("snap-2", f.pointer());
    }

    /** Two processes publish 400 small versions each while this one reads: every read sees one whole version. */
    @Test
    void twoWritersAndAReaderNeverSeeAHalfVersion(@TempDir Path tmp) throws Exception {
        VersionedFolder f = new VersionedFolder(tmp.resolve("shared"), "v");
        f.publish(d -> {
            Files.writeString(d.resolve("a.txt"), "start");
            Files.writeString(d.resolve("b.txt"), "start");
        });
        List<Process> writers = new java.util.ArrayList<>();
        for (String who : List.of("A", "B")) {
            writers.add(ChildJvm.java(
                            List.of("-XX:TieredStopAtLevel=1"),
                            FolderWriter.class,
                            f.dir().toString(),
                            who,
                            "400")
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve(who + ".log").toFile())
                    .start());
        }
        int reads = 0;
        int failed = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        String firstError = null;
        try {
            while (writers.stream().anyMatch(Process::isAlive)) {
                try {
                    String[] ab = f.read(d ->
                            new String[] {Files.readString(d.resolve("a.txt")), Files.readString(d.resolve("b.txt"))});
                    assertEquals(ab[0], ab[1], "both files of one version");
                    seen.add(ab[0].substring(0, 1));
                } catch (IOException e) {
                    failed++;
                    firstError = firstError == null ? e.toString() : firstError;
                }
                reads++;
            }
            for (Process w : writers) {
                assertTrue(w.waitFor(2, java.util.concurrent.TimeUnit.MINUTES));
            }
        } finally {
            writers.forEach(Process::destroyForcibly);
        }
        String out = String.join(" ", ChildJvm.said(Files.readString(tmp.resolve("A.log")))) + "; "
                + String.join(" ", ChildJvm.said(Files.readString(tmp.resolve("B.log"))));
        System.out.printf(
                "[VersionedFolderTest] 2 writers x 400 versions: %s; %d reads meanwhile, %d failed, tokens seen %s%n",
                out, reads, failed, seen);
        assertEquals("saved 400; saved 400", out);
        assertEquals(0, failed, "first failure: " + firstError);
        assertEquals("v-801", f.pointer(), "every version got its own number");
        assertEquals(List.of(".lock", "current", "v-801"), names(f.dir()));
    }

    @Test
    void aFullDiskDuringASaveNamesTheFolderAndLeavesTheCurrentVersion(@TempDir Path tmp) throws IOException {
        VersionedFolder f = new VersionedFolder(tmp.resolve("v"), "model");
        f.publish(d -> Files.writeString(d.resolve("a.txt"), "old"));
        // what the JDK throws when the disk fills: a bare message, no path
        var e = assertThrows(
                IOException.class,
                () -> f.publish(d -> {
                    Files.writeString(d.resolve("a.txt"), "half");
                    throw new IOException("No space left on device");
                }));
        String m = e.getMessage();
        assertTrue(m.startsWith("Could not save into " + f.dir() + " (writing .model-new."), m);
        assertTrue(
                m.contains(": No space left on device. Free space or fix the folder's permissions and save again;"
                        + " the current version is unchanged."),
                m);
        assertEquals("No space left on device", e.getCause().getMessage());
        assertEquals(List.of(".lock", "current", "model-1"), names(f.dir()), "nothing half-written is left");
        assertEquals("old", f.read(d -> Files.readString(d.resolve("a.txt"))));
    }

    @Test
    void aFullDiskDuringAnAtomicWriteNamesTheFile(@TempDir Path tmp) throws IOException {
        Path target = tmp.resolve("model.params");
        Files.writeString(target, "old");
        var e = assertThrows(
                IOException.class,
                () -> SafeFiles.writeAtomically(target, out -> {
                    out.write(1);
                    throw new IOException("No space left on device");
                }));
        assertEquals(
                "Could not write " + target + ": No space left on device. Free space on that disk (or fix the folder's"
                        + " permissions) and write again; model.params is unchanged and the partial copy is removed.",
                e.getMessage());
        assertEquals(List.of("model.params"), names(tmp));
        assertEquals("old", Files.readString(target));
    }

    @Test
    void aFolderOfSomethingElseIsRefusedUntouched(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("mine");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "x");
        var e = assertThrows(IOException.class, () -> new VersionedFolder(dir, "model").publish(d -> {}));
        assertTrue(e.getMessage().contains("is not empty and holds no saved model (it has notes.txt)"), e.getMessage());
        assertEquals(List.of("notes.txt"), names(dir));
    }
}
