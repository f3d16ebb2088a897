package dev.fastbook.collab.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

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

    @Test
    void aFullDiskDuringASaveNamesTheFolderAndLeavesTheCurrentVersion(@TempDir Path tmp) throws IOException {
        VersionedFolder f = new VersionedFolder(tmp.resolve("v"), "model");
        f.publish(d -> Files.writeString(d.resolve("a.txt"), "old"));
        // what the JDK throws when the disk fills: a bare message, no path
        var e = assertThrows(IOException.class, () -> f.publish(d -> {
            Files.writeString(d.resolve("a.txt"), "half");
            throw new IOException("No space left on device");
        }));
        String m = e.getMessage();
        assertTrue(m.startsWith("Could not save into " + f.dir() + " (writing .model-new."), m);
        assertTrue(m.contains(": No space left on device. Free space or fix the folder's permissions and save again;"
                + " the current version is unchanged."), m);
        assertEquals("No space left on device", e.getCause().getMessage());
        assertEquals(List.of(".lock", "current", "model-1"), names(f.dir()), "nothing half-written is left");
        assertEquals("old", f.read(d -> Files.readString(d.resolve("a.txt"))));
    }

    @Test
    void aFullDiskDuringAnAtomicWriteNamesTheFile(@TempDir Path tmp) throws IOException {
        Path target = tmp.resolve("model.params");
        Files.writeString(target, "old");
        var e = assertThrows(IOException.class, () -> SafeFiles.writeAtomically(target, out -> {
            out.write(1);
            throw new IOException("No space left on device");
        }));
        assertEquals("Could not write " + target + ": No space left on device. Free space on that disk (or fix the folder's"
                + " permissions) and write again; model.params is unchanged and the partial copy is removed.", e.getMessage());
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
