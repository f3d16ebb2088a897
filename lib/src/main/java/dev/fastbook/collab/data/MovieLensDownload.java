package dev.fastbook.collab.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import dev.fastbook.collab.core.SafeFiles;

/**
 * Downloads a MovieLens zip into a cache root and unpacks it to {@code <root>/<name>}, all or
 * nothing: the zip and the unpacked files live under pid-named temporary names beside the target
 * ({@link SafeFiles#tempSibling}) until every check passed, then one atomic rename publishes the
 * folder. Whatever fails, the temporary files are deleted; if the process is killed, the next
 * lookup or download deletes them ({@link SafeFiles#cleanLeftovers}).
 *
 * <p>Checks: the HTTP length (Content-Length), the zip's central directory (a truncated zip fails
 * to open), the CRC-32 and size the zip records for every entry we extract (computed here while
 * copying, not left to the JDK), the files the release must have, and their sha256 where one is
 * pinned (ml-100k only; see {@link MovieLens#SHA256}).
 *
 * <p>Limits ({@link Limits}): a per-read timeout (a silent server), an overall deadline and a minimum
 * rate averaged over a window (a server that trickles bytes would otherwise keep the read timeout
 * from ever firing). The deadline is checked between reads, so it can be overrun by at most one
 * read timeout.
 */
final class MovieLensDownload {

    /**
     * How long a download may take. Defaults: 30 s to connect and per read, 30 min in all, and at
     * least 10 KB/s averaged over each 60 s. Set {@code -Dfastbook.download.deadlineSeconds=...},
     * {@code -Dfastbook.download.minBytesPerSecond=...} (0 turns the check off) or
     * {@code -Dfastbook.download.rateWindowSeconds=...} to change them.
     */
    record Limits(Duration readTimeout, Duration deadline, long minBytesPerSecond, Duration rateWindow) {
        static final String DEADLINE = "fastbook.download.deadlineSeconds";
        static final String MIN_RATE = "fastbook.download.minBytesPerSecond";
        static final String WINDOW = "fastbook.download.rateWindowSeconds";

        static Limits defaults() {
            return new Limits(Duration.ofSeconds(30), Duration.ofMinutes(30), 10 * 1024, Duration.ofSeconds(60));
        }

        static Limits fromSystemProperties() {
            Limits d = defaults();
            return new Limits(d.readTimeout,
                    Duration.ofSeconds(property(DEADLINE, d.deadline.toSeconds())),
                    property(MIN_RATE, d.minBytesPerSecond),
                    Duration.ofSeconds(property(WINDOW, d.rateWindow.toSeconds())));
        }

        private static long property(String name, long fallback) {
            String value = System.getProperty(name);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                long v = Long.parseLong(value.trim());
                if (v >= 0) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("-D" + name + "=" + value + " is not a whole number >= 0");
        }
    }

    private final URI url;
    private final String zipFolder;
    private final Map<String, String> expected; // file name -> sha256 hex, or null: only required
    private final PrintStream progress;
    private final Limits limits;

    /**
     * @param zipFolder the folder inside the zip holding the files (ml-10m's is ml-10M100K)
     * @param expected  the files that must be in it, each with its expected sha256 (hex), or null
     *                  as the value where no checksum is pinned
     */
    MovieLensDownload(URI url, String zipFolder, Map<String, String> expected, PrintStream progress, Limits limits) {
        this.url = url;
        this.zipFolder = zipFolder;
        this.expected = expected;
        this.progress = progress;
        this.limits = limits;
    }

    URI url() {
        return url;
    }

    /** Downloads and unpacks into {@code cacheRoot/name}, returning that folder. */
    Path into(Path cacheRoot, String name) throws IOException {
        Path root = cacheRoot.toAbsolutePath();
        Files.createDirectories(root);
        Path target = root.resolve(name);
        SafeFiles.cleanLeftovers(target);
        Path zip = SafeFiles.tempSibling(target);
        Path unpacked = SafeFiles.tempSibling(target);
        try {
            fetch(zip);
            Files.createDirectory(unpacked);
            unzip(zip, unpacked);
            Path folder = unpacked.resolve(zipFolder);
            verify(folder);
            try {
                Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another process published it first; theirs passed the same checks.
                for (String file : expected.keySet()) {
                    if (!Files.isRegularFile(target.resolve(file))) {
                        throw e;
                    }
                }
            }
            return target;
        } finally {
            Files.deleteIfExists(zip);
            SafeFiles.deleteTree(unpacked);
        }
    }

    private void fetch(Path zip) throws IOException {
        // HttpURLConnection, not HttpClient: it has a per-read timeout, so a silent server fails
        // the download instead of hanging the notebook; the deadline and rate are checked below.
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
        int timeout = (int) Math.min(Integer.MAX_VALUE, limits.readTimeout().toMillis());
        connection.setConnectTimeout(timeout);
        connection.setReadTimeout(timeout);
        connection.setInstanceFollowRedirects(true);
        long start = System.nanoTime();
        int status = connection.getResponseCode();
        if (status != HttpURLConnection.HTTP_OK) {
            connection.disconnect();
            throw new IOException("HTTP " + status + " from " + url);
        }
        long length = connection.getContentLengthLong();
        long read = 0;
        long deadline = start + limits.deadline().toNanos();
        long window = limits.rateWindow().toNanos();
        long windowStart = start;
        long windowBytes = 0;
        ProgressBar bar = new ProgressBar(progress, fileName(), length);
        try (InputStream in = connection.getInputStream();
             OutputStream out = Files.newOutputStream(zip, StandardOpenOption.CREATE_NEW)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                read += n;
                bar.update(read);
                long now = System.nanoTime();
                if (now - deadline > 0) {
                    throw new IOException("the download did not finish within " + describe(limits.deadline())
                            + ": received " + received(read, length) + " (-D" + Limits.DEADLINE + " sets the limit in seconds)");
                }
                if (limits.minBytesPerSecond() > 0 && now - windowStart >= window) {
                    double seconds = (now - windowStart) / 1e9;
                    double rate = (read - windowBytes) / seconds;
                    if (rate < limits.minBytesPerSecond()) {
                        throw new IOException(String.format(java.util.Locale.ROOT,
                                "the download is too slow: %.0f bytes/s over the last %.0f s, below the minimum %d bytes/s;"
                                        + " received %s (-D%s sets the minimum, 0 turns it off)",
                                rate, seconds, limits.minBytesPerSecond(), received(read, length), Limits.MIN_RATE));
                    }
                    windowStart = now;
                    windowBytes = read;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new IOException("the server sent nothing for " + describe(limits.readTimeout()) + " (timed out): received "
                    + received(read, length), e);
        } finally {
            bar.done();
            connection.disconnect();
        }
        if (length >= 0 && read != length) {
            throw new IOException("incomplete download of " + url + ": got " + read + " of " + length + " bytes");
        }
    }

    private static String received(long read, long length) {
        return read + (length >= 0 ? " of " + length : "") + " bytes";
    }

    private static String describe(Duration d) {
        return d.toMillis() % 60_000 == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min"
                : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private String fileName() {
        String path = url.getPath();
        return path == null || path.isEmpty() ? url.toString() : path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * Extracts the entries under {@code zipFolder/}, each read through to its end with its CRC-32
     * computed here and compared with the zip's ({@link ZipFile} itself does not check it).
     * ZipFile reads the central directory at the end, so a truncated zip fails at once.
     */
    private void unzip(Path zip, Path into) throws IOException {
        String prefix = zipFolder + "/";
        List<String> names = new ArrayList<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : file.stream().toList()) {
                names.add(entry.getName());
                if (!entry.getName().startsWith(prefix)) {
                    continue; // e.g. __MACOSX/ metadata
                }
                Path out = into.resolve(entry.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("zip entry points outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                long size;
                CRC32 crc = new CRC32();
                try (InputStream in = new CheckedInputStream(file.getInputStream(entry), crc);
                     OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW)) {
                    size = in.transferTo(o);
                }
                if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                    throw new IOException("the zip from " + url + " is corrupt: " + entry.getName() + " has CRC-32 "
                            + Long.toHexString(crc.getValue()) + " but the zip says " + Long.toHexString(entry.getCrc()));
                }
                if (entry.getSize() != -1 && size != entry.getSize()) {
                    throw new IOException("the zip from " + url + " is corrupt: " + entry.getName() + " has " + size
                            + " bytes but the zip says " + entry.getSize());
                }
            }
        }
        if (!Files.isDirectory(into.resolve(zipFolder))) {
            throw new IOException("the zip from " + url + " has no folder " + prefix + " (it has "
                    + names.subList(0, Math.min(5, names.size())) + (names.size() > 5 ? "..." : "") + ")");
        }
    }

    private void verify(Path folder) throws IOException {
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path file = folder.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new IOException("the zip from " + url + " has no " + zipFolder + "/" + e.getKey());
            }
            if (e.getValue() != null) {
                String actual = sha256(file);
                if (!actual.equalsIgnoreCase(e.getValue())) {
                    throw new IOException("checksum mismatch for " + e.getKey() + " from " + url + ": expected sha256 "
                            + e.getValue() + ", got " + actual + " (corrupt or changed download)");
                }
            }
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** A one-line text progress bar redrawn with '\r' (Jupyter front ends honour it too). */
    private static final class ProgressBar {
        private static final int WIDTH = 30;
        private final PrintStream out;
        private final String name;
        private final long total;
        private long shown = -1; // last percent (or MB when the size is unknown) printed

        ProgressBar(PrintStream out, String name, long total) {
            this.out = out;
            this.name = name;
            this.total = total;
        }

        void update(long bytes) {
            long step = total > 0 ? bytes * 100 / total : bytes >> 20;
            if (step == shown) {
                return;
            }
            shown = step;
            if (total > 0) {
                int filled = (int) Math.min(WIDTH, bytes * WIDTH / total);
                out.printf("\rDownloading %s [%s%s] %3d%% %.1f/%.1f MB", name, "#".repeat(filled),
                        ".".repeat(WIDTH - filled), step, bytes / 1e6, total / 1e6);
            } else {
                out.printf("\rDownloading %s %.1f MB", name, bytes / 1e6);
            }
            out.flush();
        }

        void done() {
            if (shown >= 0) {
                out.println();
            }
        }
    }
}
