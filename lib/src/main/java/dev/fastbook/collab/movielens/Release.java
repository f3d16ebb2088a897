package dev.fastbook.collab.movielens;

import dev.fastbook.collab.formats.RatingScale;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One MovieLens release of the catalogue ({@link #CATALOGUE}): where GroupLens publishes it, the
 * files it must have, how its ratings are written, its scale.
 */
record Release(
        String name,
        String zipFolder,
        String ratingsFile,
        String moviesFile,
        RatingScale scale,
        Map<String, String> sha256,
        String about) {

    /** Where GroupLens publishes the data sets: {@code BASE_URL + name + ".zip"}. */
    static final String BASE_URL = "https://files.grouplens.org/datasets/movielens/";

    /**
     * sha256 of the ml-100k files we read, as extracted from the official zip (verified against
     * GroupLens's file). No checksum is pinned for the other releases: we have not verified their
     * files byte for byte, and ml-latest changes in place whenever GroupLens refreshes it. Their
     * downloads are checked by length (Content-Length), by the zip's own CRC-32 of every entry we
     * extract, and by the entries a release must have.
     */
    static final Map<String, String> ML_100K_SHA256 = ordered(
            "u.data", "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490",
            "u.item", "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701");

    private static final RatingScale WHOLE = RatingScale.WHOLE;
    private static final RatingScale HALF = RatingScale.HALF;

    /** The releases {@link MovieLens#dataset} knows, smallest first except that ml-100k (the chapter's) leads. */
    static final Map<String, Release> CATALOGUE = byName(
            new Release(
                    "ml-100k",
                    "ml-100k",
                    "u.data",
                    "u.item",
                    WHOLE,
                    ML_100K_SHA256,
                    "100,000 ratings, 943 users, 1,682 movies, 1998; the chapter's; zip about 5 MB"),
            new Release(
                    "ml-latest-small",
                    "ml-latest-small",
                    "ratings.csv",
                    "movies.csv",
                    HALF,
                    Map.of(),
                    "100,836 ratings, 610 users, 9,742 movies, 2018; zip about 1 MB"),
            new Release(
                    "ml-1m",
                    "ml-1m",
                    "ratings.dat",
                    "movies.dat",
                    WHOLE,
                    Map.of(),
                    "1,000,209 ratings, 6,040 users, 3,706 movies, 2003; zip about 6 MB"),
            new Release(
                    "ml-10m",
                    "ml-10M100K",
                    "ratings.dat",
                    "movies.dat",
                    HALF,
                    Map.of(),
                    "10,000,054 ratings, 69,878 users, 10,677 movies, 2009; zip about 63 MB"),
            new Release(
                    "ml-20m",
                    "ml-20m",
                    "ratings.csv",
                    "movies.csv",
                    HALF,
                    Map.of(),
                    "20,000,263 ratings, 138,493 users, 26,744 movies, 2015; zip about 190 MB"),
            new Release(
                    "ml-25m",
                    "ml-25m",
                    "ratings.csv",
                    "movies.csv",
                    HALF,
                    Map.of(),
                    "25,000,095 ratings, 162,541 users, 59,047 movies, 2019; zip about 250 MB"),
            new Release(
                    "ml-32m",
                    "ml-32m",
                    "ratings.csv",
                    "movies.csv",
                    HALF,
                    Map.of(),
                    "32,000,204 ratings, 200,948 users, 87,585 movies, 2023; zip about 240 MB"),
            new Release(
                    "ml-latest",
                    "ml-latest",
                    "ratings.csv",
                    "movies.csv",
                    HALF,
                    Map.of(),
                    "the full current release, over 33M ratings, changes when GroupLens refreshes it; zip about 335 MB"));

    URI url() {
        return URI.create(BASE_URL + name + ".zip");
    }

    /** The files the release must have, each with its pinned sha256 or null (not pinned). */
    Map<String, String> expectedFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(ratingsFile, sha256.get(ratingsFile));
        files.put(moviesFile, sha256.get(moviesFile));
        return files;
    }

    /** The folder names it may have: its own, and the zip's when that differs (ml-10m unpacks to ml-10M100K). */
    List<String> folderNames() {
        return name.equals(zipFolder) ? List.of(name) : List.of(name, zipFolder);
    }

    /** The files of {@link #expectedFiles()} that {@code folder} lacks. */
    List<String> missingFiles(Path folder) {
        List<String> missing = new ArrayList<>();
        for (String file : expectedFiles().keySet()) {
            if (!Files.isRegularFile(folder.resolve(file))) {
                missing.add(file);
            }
        }
        return missing;
    }

    /** The release whose name or zip folder {@code folderName} is, or null. */
    static Release ofFolderName(String folderName) {
        for (Release r : CATALOGUE.values()) {
            if (r.folderNames().contains(folderName)) {
                return r;
            }
        }
        return null;
    }

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    private static Map<String, Release> byName(Release... releases) {
        Map<String, Release> map = new LinkedHashMap<>();
        for (Release r : releases) {
            map.put(r.name(), r);
        }
        return Collections.unmodifiableMap(map);
    }
}
