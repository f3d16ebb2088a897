package dev.fastbook.collab.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.fastbook.collab.core.SafeFiles;

import tech.tablesaw.api.Table;

/**
 * The MovieLens data sets (GroupLens) as Tablesaw tables, every release through the same API.
 *
 * <pre>{@code
 * Table ratings = MovieLens.ratings();   // ml-100k, the chapter's: user, movie, rating, timestamp
 * Table movies  = MovieLens.movies();    // movie, title
 * Table users   = MovieLens.users();     // user, age, gender, occupation, zip
 * Table genres  = MovieLens.genres();    // movie and 19 genre flags (0/1)
 * OfficialSplit u1 = MovieLens.dataset("ml-100k").split("u1");   // u1.base / u1.test: train(), test()
 * MovieLens.Dataset ml25m = MovieLens.dataset("ml-25m");
 * Table big = ml25m.ratings();           // 25M ratings, rating a FloatColumn (half stars)
 * Table fromFixtures = MovieLens.load(Path.of("my/ml-100k")).ratings();
 * Table lone = MovieLens.readRatings(Path.of("ratings.csv"));
 * }</pre>
 *
 * <p>Every release has the same columns: {@code user}, {@code movie}, {@code timestamp}
 * (IntColumns) and {@code rating}: an IntColumn where the release has whole stars only (ml-100k,
 * ml-1m; the book shows {@code 3}), a FloatColumn where it has half stars (all the others).
 * {@code movies()} gives {@code movie} and {@code title}, plus {@code genres} ('|'-separated) for
 * the releases other than ml-100k. {@code genres()} gives every release's genres as 0/1 columns and
 * {@code users()} the users of ml-100k and ml-1m, both ready to join with the ratings for a tabular
 * model. ml-100k's shipped splits come by name through {@link Dataset#split(String)}; they are not
 * uniform samples (see {@link OfficialSplit}).
 *
 * <p>A release named {@code ml-25m} is looked for in {@code $FASTBOOK_DATA/ml-25m}, then in the cache
 * {@code ~/.fastbook/data/ml-25m}; if neither has it, it is downloaded once from GroupLens into the
 * cache (with a progress bar) and moved into place in one atomic rename. The licence of MovieLens
 * forbids redistributing it, hence the download.
 *
 * <p>Speed: the ratings are parsed from bytes into int and float arrays (see {@code RatingsParser}
 * for why not Tablesaw's CsvReader); a 25M-row ratings.csv loads in a few seconds with about 400 MB
 * of heap for the table ({@code dev.fastbook.collab.bench.LoadBenchmark} measures it).
 */
public final class MovieLens {

    /** Where GroupLens publishes the data sets: {@code BASE_URL + name + ".zip"}. */
    public static final String BASE_URL = "https://files.grouplens.org/datasets/movielens/";
    /** Where GroupLens publishes ml-100k, the chapter's data set. */
    public static final String URL = BASE_URL + "ml-100k.zip";
    /** Environment variable naming a folder that contains {@code ml-100k/} (and the others); when set, nothing is downloaded. */
    public static final String ENV_VAR = "FASTBOOK_DATA";
    /** System property that moves the cache root (default {@code ~/.fastbook/data}). */
    public static final String CACHE_PROPERTY = "fastbook.cache";

    static final String FOLDER_NAME = "ml-100k";

    /**
     * sha256 of the ml-100k files we read, as extracted from the official zip (verified against
     * GroupLens's file). No checksum is pinned for the other releases: we have not verified their
     * files byte for byte, and ml-latest changes in place whenever GroupLens refreshes it. Their
     * downloads are checked by length (Content-Length), by the zip's own CRC-32 of every entry we
     * extract, and by the entries a release must have.
     */
    static final Map<String, String> SHA256 = orderedMap(
            "u.data", "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490",
            "u.item", "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701");

    /** One MovieLens release: where its files are, how they are written, its scale. */
    record Release(String name, String zipFolder, String ratingsFile, String moviesFile, RatingsParser.Scale scale,
                   Map<String, String> sha256, String about) {

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
    }

    /** The train/test splits ml-100k ships, each as {@code <name>.base} and {@code <name>.test}. */
    static final List<String> OFFICIAL_SPLITS = List.of("u1", "u2", "u3", "u4", "u5", "ua", "ub");

    private static final RatingsParser.Scale WHOLE = RatingsParser.Scale.WHOLE;
    private static final RatingsParser.Scale HALF = RatingsParser.Scale.HALF;

    static final Map<String, Release> RELEASES = releases(
            new Release("ml-100k", "ml-100k", "u.data", "u.item", WHOLE, SHA256,
                    "100,000 ratings, 943 users, 1,682 movies, 1998; the chapter's; zip about 5 MB"),
            new Release("ml-latest-small", "ml-latest-small", "ratings.csv", "movies.csv", HALF, Map.of(),
                    "100,836 ratings, 610 users, 9,742 movies, 2018; zip about 1 MB"),
            new Release("ml-1m", "ml-1m", "ratings.dat", "movies.dat", WHOLE, Map.of(),
                    "1,000,209 ratings, 6,040 users, 3,706 movies, 2003; zip about 6 MB"),
            new Release("ml-10m", "ml-10M100K", "ratings.dat", "movies.dat", HALF, Map.of(),
                    "10,000,054 ratings, 69,878 users, 10,677 movies, 2009; zip about 63 MB"),
            new Release("ml-20m", "ml-20m", "ratings.csv", "movies.csv", HALF, Map.of(),
                    "20,000,263 ratings, 138,493 users, 26,744 movies, 2015; zip about 190 MB"),
            new Release("ml-25m", "ml-25m", "ratings.csv", "movies.csv", HALF, Map.of(),
                    "25,000,095 ratings, 162,541 users, 59,047 movies, 2019; zip about 250 MB"),
            new Release("ml-32m", "ml-32m", "ratings.csv", "movies.csv", HALF, Map.of(),
                    "32,000,204 ratings, 200,948 users, 87,585 movies, 2023; zip about 240 MB"),
            new Release("ml-latest", "ml-latest", "ratings.csv", "movies.csv", HALF, Map.of(),
                    "the full current release, over 33M ratings, changes when GroupLens refreshes it; zip about 335 MB"));

    private MovieLens() {
    }

    /** All 100,000 ratings of ml-100k in file order: IntColumns {@code user, movie, rating, timestamp}. */
    public static Table ratings() {
        return load(folder()).ratings();
    }

    /** The 1682 movies of ml-100k: {@code movie} (IntColumn) and {@code title} (StringColumn). */
    public static Table movies() {
        return load(folder()).movies();
    }

    /** The 943 users of ml-100k: {@code user, age} (IntColumns), {@code gender, occupation, zip}. */
    public static Table users() {
        return load(folder()).users();
    }

    /** The genres of ml-100k's 1682 movies: {@code movie}, then 19 0/1 IntColumns named as in u.genre. */
    public static Table genres() {
        return load(folder()).genres();
    }

    /** The ml-100k folder, downloading it into the cache on first use (see the class comment). */
    public static Path folder() {
        return dataset(FOLDER_NAME).path();
    }

    /** The names {@link #dataset} knows, smallest first except that ml-100k (the chapter's) leads. */
    public static List<String> names() {
        return List.copyOf(RELEASES.keySet());
    }

    /**
     * A MovieLens release by name: ml-100k, ml-latest-small, ml-1m, ml-10m, ml-20m, ml-25m, ml-32m
     * or ml-latest. Finds it ({@code $FASTBOOK_DATA/<name>}, then {@code ~/.fastbook/data/<name>}) or
     * downloads it into the cache, now; reading the tables happens in {@link Dataset#ratings()} and
     * {@link Dataset#movies()}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     * @throws DataNotFoundException when it is neither found nor downloadable (saying what to do)
     */
    public static Dataset dataset(String name) {
        Release release = release(name);
        Path folder = findFolder(release, System.getenv(ENV_VAR), cacheRoot(),
                new MovieLensDownload(release.url(), release.zipFolder(), release.expectedFiles(), System.out,
                        MovieLensDownload.Limits.fromSystemProperties()));
        return new Dataset(release.name(), folder, release);
    }

    static Release release(String name) {
        Release release = name == null ? null : RELEASES.get(name.trim().toLowerCase(java.util.Locale.ROOT));
        if (release == null) {
            StringBuilder known = new StringBuilder();
            RELEASES.values().forEach(r -> known.append("\n  ").append(r.name()).append(": ").append(r.about()));
            throw new IllegalArgumentException("There is no MovieLens data set named '" + name + "'. The known ones:"
                    + known + "\nFor a ratings file of your own, use MovieLens.readRatings(path).");
        }
        return release;
    }

    /** The cache root: the system property {@value #CACHE_PROPERTY}, else {@code ~/.fastbook/data}. */
    public static Path cacheRoot() {
        String root = System.getProperty(CACHE_PROPERTY);
        if (root != null && !root.isBlank()) {
            return Path.of(root).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".fastbook", "data");
    }

    /**
     * Reads the MovieLens files of any folder (e.g. test fixtures, or a release unzipped by hand).
     * The format is taken from the files present: {@code u.data}/{@code u.item} (ml-100k),
     * {@code ratings.dat}/{@code movies.dat} (ml-1m, ml-10m) or {@code ratings.csv}/{@code movies.csv}
     * (ml-latest-small, ml-20m and later). A folder named like a release (ml-1m, ml-10M100K, ...) is
     * read with that release's scale; otherwise u.data is whole stars, ratings.csv half stars, and
     * ratings.dat whole (IntColumn) when every rating is whole.
     */
    public static Dataset load(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        String name = abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
        Release known = null;
        for (Release r : RELEASES.values()) {
            if (r.folderNames().contains(name)) {
                known = r;
            }
        }
        return new Dataset(known == null ? name : known.name(), abs, known);
    }

    /**
     * Reads one ratings file on its own ({@code u.data} with tabs, {@code *.dat} with {@code ::},
     * {@code *.csv} with a header {@code userId,movieId,rating,timestamp}; a file named otherwise
     * by its first line): {@code user, movie, rating, timestamp} as in {@link Dataset#ratings()}.
     * csv ratings are read on the 0.5..5 scale as floats, tab-separated ones on 1..5 as ints.
     */
    public static Table readRatings(Path file) {
        RatingsParser.Format format = RatingsParser.Format.ofFileName(file.getFileName().toString());
        if (format == null) {
            format = RatingsParser.Format.ofLine(TextLines.read(file).get(0).text());
        }
        return RatingsParser.read(file.toAbsolutePath(), format, defaultScale(format));
    }

    private static RatingsParser.Scale defaultScale(RatingsParser.Format format) {
        return switch (format) {
            case TAB -> RatingsParser.Scale.WHOLE;
            case DOUBLE_COLON -> RatingsParser.Scale.AUTO;
            case CSV -> RatingsParser.Scale.HALF;
        };
    }

    /** ml-100k's lookup, as before (tests inject the environment, the cache root and the download). */
    static Path findFolder(String fastbookData, Path cacheRoot, MovieLensDownload download) {
        return findFolder(RELEASES.get(FOLDER_NAME), fastbookData, cacheRoot, download);
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
                if (missingFiles(release, candidate).isEmpty()) {
                    return candidate;
                }
            }
            List<String> missing = missingFiles(release, folder);
            String what = Files.isDirectory(folder) ? folder + " has no " + String.join(" or ", missing)
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
            if (missingFiles(release, candidate).isEmpty()) {
                return candidate;
            }
        }
        if (Files.exists(cached)) {
            throw new DataNotFoundException("The cache folder " + cached + " exists but has no "
                    + String.join(" or ", missingFiles(release, cached)) + ". Delete that folder to download the data again from "
                    + release.url() + ".");
        }
        try {
            return download.into(cacheRoot, name).toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            throw new DataNotFoundException("MovieLens " + name + " is not available: " + ENV_VAR + " is not set, there is no cache at "
                    + cached + ", and downloading " + download.url() + " failed (" + e + ").\n"
                    + "Do one of these:\n"
                    + "  - connect to the internet and run again: the zip (" + release.about().replaceAll(".*zip ", "")
                    + ") is downloaded once into " + cached + ";\n"
                    + "  - download " + download.url() + " yourself (e.g. in a browser) and unzip it into " + cacheRoot.toAbsolutePath()
                    + " so that " + cacheRoot.toAbsolutePath().resolve(release.zipFolder()).resolve(release.ratingsFile()) + " exists;\n"
                    + "  - set the environment variable " + ENV_VAR + " to a folder that contains " + name + "/.", e);
        }
    }

    static List<String> missingFiles(Release release, Path folder) {
        List<String> missing = new ArrayList<>();
        for (String file : release.expectedFiles().keySet()) {
            if (!Files.isRegularFile(folder.resolve(file))) {
                missing.add(file);
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

    private static Map<String, Release> releases(Release... releases) {
        Map<String, Release> map = new LinkedHashMap<>();
        for (Release r : releases) {
            map.put(r.name(), r);
        }
        return Collections.unmodifiableMap(map);
    }

    /** One MovieLens release in a folder: its name, where it is, and its two tables. */
    public static final class Dataset {

        private final String name;
        private final Path path;
        private final Release release; // null: a folder of unknown origin, read by the files present

        private Dataset(String name, Path path, Release release) {
            this.name = name;
            this.path = path.toAbsolutePath();
            this.release = release;
        }

        /** The release's name (ml-25m, ...), or the folder's name when it is none of them. */
        public String name() {
            return name;
        }

        /** The folder read from. */
        public Path path() {
            return path;
        }

        /**
         * The ratings in file order: {@code user, movie, timestamp} (IntColumns) and {@code rating}
         * (IntColumn for whole-star releases, FloatColumn for half stars). Re-read on every call.
         */
        public Table ratings() {
            if (release != null && Files.isRegularFile(path.resolve(release.ratingsFile()))) {
                String file = release.ratingsFile();
                return RatingsParser.read(path.resolve(file),
                        RatingsParser.Format.ofFileName(file), release.scale());
            }
            for (String file : List.of("u.data", "ratings.dat", "ratings.csv")) {
                if (Files.isRegularFile(path.resolve(file))) {
                    RatingsParser.Format format = RatingsParser.Format.ofFileName(file);
                    return RatingsParser.read(path.resolve(file), format, defaultScale(format));
                }
            }
            throw notFound("ratings", "u.data", "ratings.dat", "ratings.csv");
        }

        /** The movies: {@code movie} (IntColumn), {@code title}, and {@code genres} except for ml-100k. */
        public Table movies() {
            for (String file : List.of("u.item", "movies.dat", "movies.csv")) {
                if (Files.isRegularFile(path.resolve(file))) {
                    Path p = path.resolve(file);
                    return switch (file) {
                        case "u.item" -> MoviesReader.uItem(p);
                        case "movies.dat" -> MoviesReader.dat(p);
                        default -> MoviesReader.csv(p);
                    };
                }
            }
            throw notFound("movies", "u.item", "movies.dat", "movies.csv");
        }

        /**
         * The users, for the releases that describe them: {@code user, age, gender, occupation, zip}
         * from ml-100k's u.user or ml-1m's users.dat (see {@code UsersReader} for ml-1m's age brackets
         * and occupation codes). Joins with {@link #ratings()} on {@code user}.
         *
         * @throws DataNotFoundException for the other releases, which have no user file
         */
        public Table users() {
            if (Files.isRegularFile(path.resolve("u.user"))) {
                return UsersReader.uUser(path.resolve("u.user"));
            }
            if (Files.isRegularFile(path.resolve("users.dat"))) {
                return UsersReader.dat(path.resolve("users.dat"));
            }
            throw new DataNotFoundException("No user file in " + path + ": GroupLens describes users (age, gender,"
                    + " occupation, zip) only in ml-100k (u.user) and ml-1m (users.dat).");
        }

        /**
         * The movies' genres as flags: {@code movie}, then one 0/1 IntColumn per genre (ml-100k's 19
         * from u.item, named as in u.genre; for the other releases one per name in their genres
         * column, alphabetically). Joins with {@link #ratings()} on {@code movie}.
         */
        public Table genres() {
            Path uItem = path.resolve("u.item");
            return Files.isRegularFile(uItem) ? MoviesReader.uItemGenres(uItem) : Genres.fromNames(movies());
        }

        /** The names of the shipped splits in this folder: u1..u5, ua, ub for ml-100k; none for the others. */
        public List<String> splitNames() {
            return OFFICIAL_SPLITS.stream().filter(s -> Files.isRegularFile(path.resolve(s + ".base"))
                    && Files.isRegularFile(path.resolve(s + ".test"))).toList();
        }

        /**
         * A shipped split by name ({@code u1}..{@code u5}, {@code ua}, {@code ub}): its {@code .base}
         * file as {@code train()}, its {@code .test} file as {@code test()}, read as {@link #ratings()}
         * reads u.data. They are not uniform samples: see {@link OfficialSplit}.
         *
         * @throws IllegalArgumentException for another name, or a release that ships no splits
         */
        public OfficialSplit split(String splitName) {
            if (!splitNames().contains(splitName)) {
                throw new IllegalArgumentException("There is no split '" + splitName + "' in " + path + ": "
                        + (splitNames().isEmpty() ? "only ml-100k ships official splits (" + String.join(", ", OFFICIAL_SPLITS)
                        + "); split the ratings yourself, e.g. with CollabDataLoaders' validation fraction."
                        : "its splits are " + String.join(", ", splitNames()) + "."));
            }
            return new OfficialSplit(splitName, splitFile(splitName + ".base"), splitFile(splitName + ".test"));
        }

        private Table splitFile(String file) {
            Table table = RatingsParser.read(path.resolve(file), RatingsParser.Format.TAB, RatingsParser.Scale.WHOLE);
            return table.setName(file);
        }

        private DataNotFoundException notFound(String what, String... files) {
            String expected = release != null ? path.resolve(what.equals("ratings") ? release.ratingsFile()
                    : release.moviesFile()).toString()
                    : path.resolve(files[0]) + " (ml-100k), " + files[1] + " (ml-1m, ml-10m) or " + files[2]
                    + " (ml-latest-small, ml-20m and later)";
            return new DataNotFoundException("No MovieLens " + what + " file in " + path + ": expected " + expected
                    + ". Point MovieLens.load at the unzipped release's folder, or use MovieLens.dataset(name).");
        }

        @Override
        public String toString() {
            return "MovieLens " + name + " in " + path;
        }
    }
}
