package dev.fastbook.collab.core;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A folder that holds numbered versions of something written as several files, one of them
 * current, such that a crash at any instant, or several processes saving at once, leave one whole
 * version loadable and nothing else's files touched:
 *
 * <pre>
 * dir/current          one line naming the current version, e.g. "model-3" (replaced atomically)
 * dir/model-3/         the version's files
 * dir/.lock            what concurrent saves take turns on (empty, never removed)
 * </pre>
 *
 * <p>{@link #publish} writes a version into a temporary folder without holding anything, then,
 * under the lock (a {@link FileLock} between processes, a {@link ReentrantLock} inside one),
 * renames it to the next number, switches {@code current} to it and removes the versions before
 * it: the one just published is the newest, so no save removes another's newer one. A save that
 * cannot get the lock within {@link #lockTimeoutMillis} is refused and its version discarded.
 * {@link #read} follows {@code current} without the lock; if a save removes that version mid-read
 * it follows the new pointer, and after a few such misses it reads under the lock.
 */
public final class VersionedFolder {
    public static final String POINTER = "current";
    public static final String LOCK = ".lock";
    private static final int LOCKLESS_TRIES = 4;

    /** How long a save waits for another one to finish before it is refused. */
    static long lockTimeoutMillis = 60_000;

    private final Path dir;
    private final String prefix;
    private final Pattern version;
    private final Pattern temp;
    private List<String> legacyFiles = List.of();
    private Predicate<Path> legacy = p -> false;

    /** Versions of {@code dir} are named {@code <prefix>-<n>}, e.g. {@code model-3}. */
    public VersionedFolder(Path dir, String prefix) {
        this.dir = dir.toAbsolutePath().normalize();
        this.prefix = prefix;
        this.version = Pattern.compile(Pattern.quote(prefix) + "-(\\d{1,9})");
        this.temp = Pattern.compile("\\.(" + Pattern.quote(prefix) + "-\\d{1,9}|" + POINTER + "|"
                + Pattern.quote(prefix) + "-new)\\.\\d+-[0-9a-f]+\\.part");
    }

    /**
     * Accepts an older layout whose {@code files} lie directly in the folder (when {@code
     * recognised} says they are ours): it is read when there is no pointer, and removed once a
     * version is published.
     */
    public VersionedFolder legacy(List<String> files, Predicate<Path> recognised) {
        this.legacyFiles = List.copyOf(files);
        this.legacy = recognised;
        return this;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Writes a new version with {@code write} (given an empty folder to fill) and makes it
     * current; returns its folder. On any failure the current version is unchanged and the
     * error names the folder and what to do.
     */
    public Path publish(SafeFiles.IOConsumer<Path> write) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " is a file: a save writes a folder; give a folder's path.");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw IoErrors.named(e, "create the folder " + dir, "check that its parent exists and is writable");
        }
        List<String> names = list();
        if (!isOurs(names)) {
            throw new IOException(dir + " is not empty and holds no saved model (it has " + sample(names)
                    + "). Saving replaces only a model saved there before and never deletes other files:"
                    + " choose a new or empty folder.");
        }
        cleanLeftovers(names);
        Path tmp = SafeFiles.tempSibling(dir.resolve(prefix + "-new"));
        try {
            try {
                Files.createDirectory(tmp);
                write.accept(tmp);
            } catch (IOException e) {
                throw IoErrors.named(
                        e,
                        "save into " + dir + " (writing " + tmp.getFileName() + ")",
                        "free space or fix the folder's permissions and save again; the current version is unchanged");
            }
            try (FolderLock held = FolderLock.acquire(dir.resolve(LOCK), lockTimeoutMillis)) {
                if (held == null) {
                    throw new IOException(
                            "Another save into " + dir + " has held " + dir.resolve(LOCK) + " for more than "
                                    + lockTimeoutMillis / 1000
                                    + " s: this save is refused and the current version is unchanged."
                                    + " Save again once the other process is done (or has ended).");
                }
                return switchTo(tmp);
            }
        } finally {
            SafeFiles.deleteTree(tmp); // only when it was not renamed
        }
    }

    // Under the lock: no other save runs, so the next number is free and the versions before it are stale.
    private Path switchTo(Path tmp) throws IOException {
        int n = 1
                + list().stream()
                        .mapToInt(name -> {
                            Matcher t = temp.matcher(name);
                            return t.matches() ? number(t.group(1)) : number(name);
                        })
                        .max()
                        .orElse(0);
        String name = prefix + "-" + n;
        Path target = dir.resolve(name);
        try {
            SafeFiles.moveAtomically(tmp, target);
            SafeFiles.writeAtomically(
                    dir.resolve(POINTER), out -> out.write((name + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw IoErrors.named(
                    e,
                    "switch " + dir.resolve(POINTER) + " to " + name,
                    "free space or fix the folder's permissions and save again; the previous version stays current");
        }
        // From here on the new version is current; what follows only removes older ones.
        for (String old : list()) {
            int v = number(old);
            if (v > 0 && v < n && Files.isDirectory(dir.resolve(old))) {
                SafeFiles.deleteTree(dir.resolve(old));
            }
        }
        if (!legacyFiles.isEmpty() && legacy.test(dir)) {
            for (String f : legacyFiles) {
                Files.deleteIfExists(dir.resolve(f));
            }
        }
        return target;
    }

    /**
     * Reads the current version with {@code read} (given its folder, or {@code dir} itself for
     * the legacy layout). A version removed by a concurrent save mid-read is read again from the
     * new pointer; a file still missing once no save runs is reported as damage.
     */
    public <T> T read(IOFunction<Path, T> read) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("No saved model at " + dir
                    + (Files.exists(dir) ? " (it is a file, not a folder)" : " (no such folder)")
                    + ": save one first.");
        }
        tidy();
        for (int attempt = 0; attempt < LOCKLESS_TRIES; attempt++) {
            String before = pointer();
            try {
                return readVersion(before, read);
            } catch (NoSuchFileException e) {
                if (before == null || before.equals(pointer())) {
                    break; // nothing moved: read once more under the lock, where an error is real
                }
            }
        }
        // a read-only folder has no lock to take, and no save can run in it either
        try (FolderLock held = FolderLock.acquireOrNull(dir.resolve(LOCK), lockTimeoutMillis)) {
            return readVersion(pointer(), read);
        } catch (NoSuchFileException e) {
            String v = pointer();
            throw new IOException(
                    e.getFile() + " is missing: "
                            + (v == null
                                    ? "the saved model in " + dir + " is incomplete"
                                    : dir.resolve(POINTER) + " names " + v + ", but its files are not all there")
                            + ". Save the model again.",
                    e);
        }
    }

    private <T> T readVersion(String v, IOFunction<Path, T> read) throws IOException {
        if (v == null) {
            if (!legacyFiles.isEmpty() && Files.isRegularFile(dir.resolve(legacyFiles.get(0)))) {
                return read.apply(dir);
            }
            throw new IOException("No saved model in " + dir + " (no '" + POINTER + "' file naming a saved version"
                    + (legacyFiles.isEmpty() ? "" : ", and no " + legacyFiles.get(0)) + "): save one first.");
        }
        Path folder = dir.resolve(v);
        if (!Files.isDirectory(folder)) {
            throw new NoSuchFileException(folder.toString());
        }
        return read.apply(folder);
    }

    /** The version {@code current} names, or null when there is no pointer. */
    public String pointer() throws IOException {
        Path file = dir.resolve(POINTER);
        String v;
        try {
            v = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            throw IoErrors.named(e, "read " + file, "check the disk and the file's permissions");
        }
        if (!version.matcher(v).matches()) {
            throw new IOException(file + " should name the saved version, e.g. '" + prefix + "-1', but holds '"
                    + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "': it is damaged. Save the model again.");
        }
        return v;
    }

    /** Removes what dead saves left and versions before the current one, when no save is running. */
    private void tidy() {
        try (FolderLock held = FolderLock.acquire(dir.resolve(LOCK), 0)) {
            if (held == null) {
                return; // a save is running: it tidies after itself
            }
            List<String> names = list();
            cleanLeftovers(names);
            String current = pointer();
            if (current != null && Files.isDirectory(dir.resolve(current))) {
                for (String name : names) {
                    int v = number(name);
                    if (v > 0 && v < number(current)) {
                        SafeFiles.deleteTree(dir.resolve(name));
                    }
                }
            }
        } catch (IOException readOnlyOrDamaged) {
            // tidying is a courtesy: a model in a read-only folder still loads, damage is reported by the read
        }
    }

    private void cleanLeftovers(List<String> names) throws IOException {
        for (String name : names) {
            Matcher m = temp.matcher(name);
            if (m.matches()) {
                SafeFiles.cleanLeftovers(dir.resolve(m.group(1))); // checks the writer is dead first
            }
        }
    }

    /** A folder we may write into: empty, a versioned folder, or the legacy layout. */
    private boolean isOurs(List<String> names) {
        if (names.isEmpty() || legacy.test(dir)) {
            return true;
        }
        if (names.contains(POINTER)) {
            try {
                return pointer() != null;
            } catch (IOException damaged) {
                return false; // someone else's file called "current"
            }
        }
        return names.stream()
                .allMatch(n -> n.equals(LOCK)
                        || temp.matcher(n).matches()
                        || number(n) > 0 && Files.isDirectory(dir.resolve(n)));
    }

    private int number(String name) {
        Matcher m = version.matcher(name);
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    private List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                names.add(p.getFileName().toString());
            }
        }
        names.sort(null);
        return names;
    }

    private static String sample(List<String> names) {
        return names.size() <= 3
                ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
    }

    /** Like {@code Function}, for code that reads and may throw {@link IOException}. */
    @FunctionalInterface
    public interface IOFunction<T, R> {
        R apply(T value) throws IOException;
    }
}
