package dev.fastbook.collab.movielens;

import dev.fastbook.collab.core.SafeFiles;
import dev.fastbook.collab.download.HttpDownload;
import dev.fastbook.collab.formats.DataNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a release's folder is: {@code $FASTBOOK_DATA/<name>} when that variable is set (and then
 * nothing is downloaded), else the cache {@code ~/.fastbook/data/<name>}, else a download into the
 * cache ({@link MovieLensDownload}). Every failure says what to do.
 */
final class DataLocator {

    static final String ENV_VAR = "FASTBOOK_DATA";
    static final String CACHE_PROPERTY = "fastbook.cache";

    private DataLocator() {}

    /** The release's folder, found or downloaded now, as the environment and system properties say. */
    static Path locate(Release release) {
        return findFolder(
                release,
                System.getenv(ENV_VAR),
                cacheRoot(),
                new MovieLensDownload(
                        release.url(),
                        release.zipFolder(),
                        release.expectedFiles(),
                        System.out,
                        HttpDownload.Limits.fromSystemProperties()));
    }

    /** The cache root: the system property {@value #CACHE_PROPERTY}, else {@code ~/.fastbook/data}. */
    static Path cacheRoot() {
        String root = System.getProperty(CACHE_PROPERTY);
        if (root != null && !root.isBlank()) {
            return Path.of(root).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".fastbook", "data");
    }

    /** ml-100k's lookup (tests inject the environment, the cache root and the download). */
    static Path findFolder(String fastbookData, Path cacheRoot, MovieLensDownload download) {
        return findFolder(Release.CATALOGUE.get("ml-100k"), fastbookData, cacheRoot, download);
    }

    /** FASTBOOK_DATA, else the cache, else a download into the cache. Parameters injected for tests. */
    static Path findFolder(Release release, String fastbookData, Path cacheRoot, MovieLensDownload download) {
        String name = release.name();
        Path cached = cacheRoot.resolve(name).toAbsolutePath();
        String files = String.join(" and ", release.expectedFiles().keySet());
        if (fastbookData != null && !fastbookData.isBlank()) {
            Path base = Path.of(fastbookData);
            Path folder = base.resolve(name).toAbsolutePath().normalize();
            for (String alias : release.folderNames()) {
                Path candidate = base.resolve(alias).toAbsolutePath().normalize();
                if (release.missingFiles(candidate).isEmpty()) {
                    return candidate;
                }
            }
            List<String> missing = release.missingFiles(folder);
            String what = Files.isDirectory(folder)
                    ? folder + " has no " + String.join(" or ", missing)
                    : folder + " does not exist";
            throw new DataNotFoundException(ENV_VAR + " is set to '" + fastbookData + "', but " + what
                    + ". Point " + ENV_VAR + " at the folder that contains " + name + "/ (with " + files + "),"
                    + " or unset it to use the cache " + cached + " (downloaded from " + release.url()
                    + " on first use). Nothing was downloaded because " + ENV_VAR + " is set.");
        }
        try {
            // What a killed download left behind (pid-named temporary zip and folder) goes first.
            SafeFiles.cleanLeftovers(cached);
        } catch (IOException e) {
            // Only stale temporary files stay; the lookup itself does not depend on them.
        }
        for (String alias : release.folderNames()) {
            Path candidate = cacheRoot.resolve(alias).toAbsolutePath();
            if (release.missingFiles(candidate).isEmpty()) {
                return candidate;
            }
        }
        if (Files.exists(cached)) {
            throw new DataNotFoundException("The cache folder " + cached + " exists but has no "
                    + String.join(" or ", release.missingFiles(cached))
                    + ". Delete that folder to download the data again from "
                    + release.url() + ".");
        }
        try {
            return download.into(cacheRoot, name).toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            throw new DataNotFoundException(
                    "MovieLens " + name + " is not available: " + ENV_VAR + " is not set, there is no cache at "
                            + cached + ", and downloading " + download.url() + " failed (" + e + ").\n"
                            + "Do one of these:\n"
                            + "  - connect to the internet and run again: the zip ("
                            + release.about().replaceAll(".*zip ", "")
                            + ") is downloaded once into " + cached + ";\n"
                            + "  - download " + download.url() + " yourself (e.g. in a browser) and unzip it into "
                            + cacheRoot.toAbsolutePath()
                            + " so that "
                            + cacheRoot
                                    .toAbsolutePath()
                                    .resolve(release.zipFolder())
                                    .resolve(release.ratingsFile()) + " exists;\n"
                            + "  - set the environment variable " + ENV_VAR + " to a folder that contains " + name
                            + "/.",
                    e);
        }
    }
}
