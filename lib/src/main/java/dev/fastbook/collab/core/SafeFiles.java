package dev.fastbook.collab.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writing files so that a crash at any instant leaves either the old file or the new one, never a
 * half-written one, and cleaning up what a killed process left behind.
 *
 * <p>Temporary names are {@code .<target name>.<pid>-<random>.part} in the target's own folder
 * (so the final rename is atomic: same file system). The process id in the name is how a later
 * call tells a leftover of a dead process (deleted) from a write in progress in a live one (kept).
 */
public final class SafeFiles {
    private static final String SUFFIX = ".part";

    private SafeFiles() {}

    /** Writes the bytes {@code writer} produces to {@code target}, replacing it atomically. */
    public static void writeAtomically(Path target, IOConsumer<OutputStream> writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        cleanLeftovers(abs);
        Path tmp = tempSibling(abs);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.accept(out);
            } catch (IOException e) {
                throw IoErrors.named(
                        e,
                        "write " + abs,
                        "free space on that disk (or fix the folder's permissions) and" + " write again; "
                                + abs.getFileName() + " is unchanged and the partial copy is removed");
            }
            moveAtomically(tmp, abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A fresh temporary name beside {@code target} ({@code .<name>.<pid>-<random>.part}), not yet
     * created; {@link #cleanLeftovers} removes it if this process dies before renaming it.
     */
    public static Path tempSibling(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling(
                "." + abs.getFileName() + "." + ProcessHandle.current().pid() + "-"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + SUFFIX);
    }

    /** Renames atomically, replacing a file (not a non-empty folder) at {@code target}. */
    public static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(
                    "Cannot rename " + source + " to " + target + " atomically (" + e.getMessage()
                            + "): keep both in one folder on one file system.",
                    e);
        }
    }

    /**
     * Deletes the temporary files and folders that writes of {@code target} left behind in dead
     * processes ({@code .<name>.<pid>-*.part} whose process no longer runs). Returns how many.
     */
    public static int cleanLeftovers(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        String prefix = "." + abs.getFileName() + ".";
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> {
            String name = p.getFileName().toString();
            return name.startsWith(prefix) && name.endsWith(SUFFIX);
        })) {
            for (Path p : entries) {
                String middle = p.getFileName().toString().substring(prefix.length());
                int dash = middle.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? "" : middle.substring(0, dash));
                } catch (NumberFormatException notOurs) {
                    continue;
                }
                boolean live = pid == ProcessHandle.current().pid()
                        || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (live) {
                    continue; // a write in progress (ours, or another running process's)
                }
                deleteTree(p);
                n++;
            }
        }
        return n;
    }

    /** Deletes a file or a folder with everything in it; nothing happens when it does not exist. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path q : all) {
                Files.deleteIfExists(q);
            }
        }
    }

    /** Like {@code Consumer}, for code that writes and may throw {@link IOException}. */
    @FunctionalInterface
    public interface IOConsumer<T> {
        void accept(T value) throws IOException;
    }
}
