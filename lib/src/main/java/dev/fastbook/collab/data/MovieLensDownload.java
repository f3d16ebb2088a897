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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Downloads ml-100k.zip into a cache root and unpacks it to {@code <root>/ml-100k}, all or nothing:
 * the zip and the unpacked files live in temporary names beside the cache until the checksums of
 * the extracted files match, then one atomic rename publishes the folder. Whatever fails, the
 * temporary files are deleted.
 */
final class MovieLensDownload {

    private final URI url;
    private final Map<String, String> sha256; // file name -> expected hex; no entry = unchecked (test fixtures)
    private final PrintStream progress;
    private final int timeoutMillis;

    /**
     * @param sha256 the files that must be in the zip's ml-100k/ folder, with their expected
     *               sha256 (hex), or null as the value to only require the file (test fixtures)
     */
    MovieLensDownload(URI url, Map<String, String> sha256, PrintStream progress) {
        this(url, sha256, progress, 30_000);
    }

    /** @param timeoutMillis for connecting and for each read: a stalled transfer fails after this */
    MovieLensDownload(URI url, Map<String, String> sha256, PrintStream progress, int timeoutMillis) {
        this.url = url;
        this.sha256 = sha256;
        this.progress = progress;
        this.timeoutMillis = timeoutMillis;
    }

    URI url() {
        return url;
    }

    /** Downloads and unpacks into {@code cacheRoot/ml-100k}, returning that folder. */
    Path into(Path cacheRoot) throws IOException {
        Files.createDirectories(cacheRoot);
        Path target = cacheRoot.resolve(MovieLens.FOLDER_NAME);
        Path zip = Files.createTempFile(cacheRoot, ".ml-100k-", ".zip.part");
        Path unpacked = null;
        try {
            fetch(zip);
            unpacked = Files.createTempDirectory(cacheRoot, ".ml-100k-");
            unzip(zip, unpacked);
            Path folder = unpacked.resolve(MovieLens.FOLDER_NAME);
            verify(folder);
            try {
                Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another process published it first; theirs is as good as ours.
                if (!MovieLens.missingFiles(target).isEmpty()) {
                    throw e;
                }
            }
            return target;
        } finally {
            Files.deleteIfExists(zip);
            if (unpacked != null) {
                deleteTree(unpacked);
            }
        }
    }

    private void fetch(Path zip) throws IOException {
        // HttpURLConnection, not HttpClient: it has a per-read timeout, so a stalled server fails
        // the download instead of hanging the notebook.
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
        connection.setConnectTimeout(timeoutMillis);
        connection.setReadTimeout(timeoutMillis);
        connection.setInstanceFollowRedirects(true);
        int status = connection.getResponseCode();
        if (status != HttpURLConnection.HTTP_OK) {
            connection.disconnect();
            throw new IOException("HTTP " + status + " from " + url);
        }
        long expected = connection.getContentLengthLong();
        long read = 0;
        ProgressBar bar = new ProgressBar(progress, fileName(), expected);
        try (InputStream in = connection.getInputStream(); OutputStream out = Files.newOutputStream(zip)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                read += n;
                bar.update(read);
            }
        } finally {
            bar.done();
        }
        if (expected >= 0 && read != expected) {
            throw new IOException("incomplete download of " + url + ": got " + read + " of " + expected + " bytes");
        }
    }

    private String fileName() {
        String path = url.getPath();
        return path == null || path.isEmpty() ? url.toString() : path.substring(path.lastIndexOf('/') + 1);
    }

    /** ZipFile reads the central directory at the end, so a truncated zip fails here at once. */
    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : file.stream().toList()) {
                Path out = into.resolve(entry.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new IOException("zip entry points outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, out);
                    }
                }
            }
        }
    }

    private void verify(Path folder) throws IOException {
        for (Map.Entry<String, String> e : sha256.entrySet()) {
            Path file = folder.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new IOException("the zip from " + url + " has no ml-100k/" + e.getKey());
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

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
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
                int filled = (int) (bytes * WIDTH / total);
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
