package dev.fastbook.collab.movielens;

import dev.fastbook.collab.core.SafeFiles;
import dev.fastbook.collab.download.HttpDownload;
import dev.fastbook.collab.download.ZipExtractor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Downloads a MovieLens zip into a cache root and unpacks it to {@code <root>/<name>}, all or
 * nothing: the zip ({@link HttpDownload}) and the unpacked files ({@link ZipExtractor}) live under
 * pid-named temporary names beside the target ({@link SafeFiles#tempSibling}) until every check
 * passed, then one atomic rename publishes the folder. Whatever fails, the temporary files are
 * deleted; if the process is killed, the next lookup or download deletes them
 * ({@link SafeFiles#cleanLeftovers}).
 *
 * <p>Checks, besides the download's and the zip's own: the files the release must have, and their
 * sha256 where one is pinned (ml-100k only; see {@link Release#ML_100K_SHA256}).
 */
final class MovieLensDownload {

    private final URI url;
    private final String zipFolder;
    private final Map<String, String> expected; // file name -> sha256 hex, or null: only required
    private final PrintStream progress;
    private final HttpDownload.Limits limits;

    /**
     * @param zipFolder the folder inside the zip holding the files (ml-10m's is ml-10M100K)
     * @param expected  the files that must be in it, each with its expected sha256 (hex), or null
     *                  as the value where no checksum is pinned
     */
    MovieLensDownload(
            URI url, String zipFolder, Map<String, String> expected, PrintStream progress, HttpDownload.Limits limits) {
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
        Path root = cacheRoot.toAbsolutePath().normalize();
        Files.createDirectories(root);
        Path target = root.resolve(name);
        SafeFiles.cleanLeftovers(target);
        Path zip = SafeFiles.tempSibling(target);
        Path unpacked = SafeFiles.tempSibling(target);
        try {
            HttpDownload.fetch(url, zip, limits, progress);
            Files.createDirectory(unpacked);
            ZipExtractor.extract(zip, zipFolder, unpacked, url);
            Path folder = unpacked.resolve(zipFolder);
            verify(folder);
            try {
                Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // Another process published it first (Linux says "Directory not empty", a plain
                // FileSystemException); theirs passed the same checks.
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
}
