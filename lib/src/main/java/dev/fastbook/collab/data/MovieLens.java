package dev.fastbook.collab.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.fastbook.collab.display.Display;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * MovieLens 100k (GroupLens), the chapter's data set, as Tablesaw tables.
 *
 * <pre>{@code
 * Table ratings = MovieLens.ratings();   // user, movie, rating, timestamp
 * Table movies  = MovieLens.movies();    // movie, title
 * Table fromFixtures = MovieLens.load(Path.of("my/ml-100k")).ratings();
 * }</pre>
 *
 * <p>The files are looked for in {@code $FASTBOOK_DATA/ml-100k}, then in the cache
 * {@code ~/.fastbook/data/ml-100k}; if neither has them they are downloaded once from GroupLens
 * into the cache. The licence of MovieLens forbids redistributing it, hence the download.
 */
public final class MovieLens {

    /** Where GroupLens publishes the data set. */
    public static final String URL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip";
    /** Environment variable naming a folder that contains {@code ml-100k/}; when set, nothing is downloaded. */
    public static final String ENV_VAR = "FASTBOOK_DATA";
    /** System property that moves the cache root (default {@code ~/.fastbook/data}). */
    public static final String CACHE_PROPERTY = "fastbook.cache";

    static final String FOLDER_NAME = "ml-100k";
    /** sha256 of the files we read, as extracted from the official zip. */
    static final Map<String, String> SHA256 = orderedMap(
            "u.data", "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490",
            "u.item", "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701");

    private static final int ITEM_FIELDS = 24;

    static {
        Display.ensureRegistered(); // tables shown as cell values render as HTML in IJava too
    }

    private MovieLens() {
    }

    /** All 100,000 ratings in file order: IntColumns {@code user, movie, rating, timestamp}. */
    public static Table ratings() {
        return load(folder()).ratings();
    }

    /** The 1682 movies: {@code movie} (IntColumn) and {@code title} (StringColumn). */
    public static Table movies() {
        return load(folder()).movies();
    }

    /** The ml-100k folder, downloading it into the cache on first use (see the class comment). */
    public static Path folder() {
        return findFolder(System.getenv(ENV_VAR), cacheRoot(),
                new MovieLensDownload(URI.create(URL), SHA256, System.out));
    }

    /** The cache root: the system property {@value #CACHE_PROPERTY}, else {@code ~/.fastbook/data}. */
    public static Path cacheRoot() {
        String root = System.getProperty(CACHE_PROPERTY);
        if (root != null && !root.isBlank()) {
            return Path.of(root).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".fastbook", "data");
    }

    /** Reads MovieLens files from any folder holding {@code u.data} and {@code u.item} (e.g. test fixtures). */
    public static Folder load(Path folder) {
        return new Folder(folder);
    }

    /** FASTBOOK_DATA, else the cache, else a download into the cache. Parameters injected for tests. */
    static Path findFolder(String fastbookData, Path cacheRoot, MovieLensDownload download) {
        Path cached = cacheRoot.resolve(FOLDER_NAME).toAbsolutePath();
        if (fastbookData != null && !fastbookData.isBlank()) {
            Path folder = Path.of(fastbookData).resolve(FOLDER_NAME).toAbsolutePath().normalize();
            List<String> missing = missingFiles(folder);
            if (!missing.isEmpty()) {
                String what = Files.isDirectory(folder) ? folder + " has no " + String.join(" or ", missing)
                        : folder + " does not exist";
                throw new DataNotFoundException(ENV_VAR + " is set to '" + fastbookData + "', but " + what
                        + ". Point " + ENV_VAR + " at the folder that contains ml-100k/ (with u.data and u.item),"
                        + " or unset it to use the cache " + cached + " (downloaded from " + URL
                        + " on first use). Nothing was downloaded because " + ENV_VAR + " is set.");
            }
            return folder;
        }
        List<String> missing = missingFiles(cached);
        if (missing.isEmpty()) {
            return cached;
        }
        if (Files.exists(cached)) {
            throw new DataNotFoundException("The cache folder " + cached + " exists but has no "
                    + String.join(" or ", missing) + ". Delete that folder to download the data again from " + URL + ".");
        }
        try {
            return download.into(cacheRoot).toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            throw new DataNotFoundException("MovieLens 100k is not available: " + ENV_VAR + " is not set, there is no cache at "
                    + cached + ", and downloading " + download.url() + " failed (" + e + ").\n"
                    + "Do one of these:\n"
                    + "  - connect to the internet and run again: the zip (about 5 MB) is downloaded once into " + cached + ";\n"
                    + "  - download " + download.url() + " yourself and unzip it into " + cached.getParent()
                    + " so that " + cached.resolve("u.data") + " exists;\n"
                    + "  - set the environment variable " + ENV_VAR + " to a folder that contains ml-100k/.", e);
        }
    }

    static List<String> missingFiles(Path folder) {
        List<String> missing = new ArrayList<>();
        for (String name : SHA256.keySet()) {
            if (!Files.isRegularFile(folder.resolve(name))) {
                missing.add(name);
            }
        }
        return missing;
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    /** The MovieLens files of one folder. */
    public static final class Folder {

        private final Path path;

        private Folder(Path path) {
            this.path = path.toAbsolutePath();
        }

        /** The folder read from. */
        public Path path() {
            return path;
        }

        /** {@code u.data}: IntColumns {@code user, movie, rating, timestamp}, in file order. */
        public Table ratings() {
            Path file = path.resolve("u.data");
            int[][] cols = new int[4][100_000];
            int[] n = {0};
            String[] names = {"user", "movie", "rating", "timestamp"};
            eachLine(file, StandardCharsets.ISO_8859_1, (line, number) -> {
                String[] fields = line.split("\t", -1);
                if (fields.length != names.length) {
                    throw new MalformedDataException(file, number, "expected 4 tab-separated fields"
                            + " (user, movie, rating, timestamp) but found " + fields.length + ": " + quote(line));
                }
                if (n[0] == cols[0].length) {
                    for (int c = 0; c < cols.length; c++) {
                        cols[c] = Arrays.copyOf(cols[c], cols[c].length * 2);
                    }
                }
                for (int c = 0; c < names.length; c++) {
                    cols[c][n[0]] = parseInt(fields[c], names[c], file, number);
                }
                n[0]++;
            });
            Table table = Table.create("ratings");
            for (int c = 0; c < names.length; c++) {
                table.addColumns(IntColumn.create(names[c], Arrays.copyOf(cols[c], n[0])));
            }
            return table;
        }

        /** {@code u.item} (latin-1): {@code movie} (IntColumn) and {@code title} (StringColumn). */
        public Table movies() {
            Path file = path.resolve("u.item");
            List<Integer> ids = new ArrayList<>();
            List<String> titles = new ArrayList<>();
            eachLine(file, StandardCharsets.ISO_8859_1, (line, number) -> {
                String[] fields = line.split("\\|", -1);
                if (fields.length != ITEM_FIELDS) {
                    throw new MalformedDataException(file, number, "expected " + ITEM_FIELDS
                            + " '|'-separated fields (movie id, title, dates, URL, 19 genre flags) but found "
                            + fields.length + ": " + quote(line));
                }
                ids.add(parseInt(fields[0], "movie", file, number));
                titles.add(fields[1]);
            });
            return Table.create("movies",
                    IntColumn.create("movie", ids.stream().mapToInt(Integer::intValue).toArray()),
                    StringColumn.create("title", titles));
        }

        @Override
        public String toString() {
            return "MovieLens folder " + path;
        }
    }

    // ---- parsing: our own, so that errors can name the line ----

    private interface LineParser {
        void parse(String line, int number);
    }

    private static void eachLine(Path file, Charset charset, LineParser parser) {
        if (!Files.isRegularFile(file)) {
            throw new DataNotFoundException(file + " not found: a MovieLens 100k folder holds u.data and u.item.");
        }
        try (BufferedReader reader = Files.newBufferedReader(file, charset)) {
            int number = 0;
            int blanks = 0; // blank lines are fine at the very end only
            String line;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    blanks++;
                    continue;
                }
                if (blanks > 0) {
                    throw new MalformedDataException(file, number - blanks, "empty line in the middle of the file");
                }
                parser.parse(line, number);
            }
            if (number == blanks) {
                throw new MalformedDataException(file, 1, "the file is empty (a truncated download or copy?)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    private static int parseInt(String field, String name, Path file, int line) {
        try {
            return Integer.parseInt(field.trim());
        } catch (NumberFormatException e) {
            throw new MalformedDataException(file, line, "the " + name + " field is not a whole number: " + quote(field));
        }
    }

    private static String quote(String text) {
        String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
        return "\"" + shown.replace("\t", "\\t") + "\"";
    }
}
