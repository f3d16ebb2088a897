package dev.fastbook.collab.movielens;

import dev.fastbook.collab.download.HttpDownload;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one ml-100k lookup-or-download in its own JVM, for {@link MovieLensDownloadKillTest} to kill.
 * Arguments: the zip's URL and the cache root. Prints {@code DONE <folder>} when it finishes.
 */
final class DownloadChild {
    private DownloadChild() {}

    public static void main(String[] args) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("u.data", null); // the fixture is not the real data: no checksum
        files.put("u.item", null);
        MovieLensDownload download = new MovieLensDownload(
                URI.create(args[0]), "ml-100k", files, System.out, HttpDownload.Limits.defaults());
        Path folder = DataLocator.findFolder(null, Path.of(args[1]), download);
        System.out.println("DONE " + folder);
    }
}
