package dev.fastbook.collab.movielens;

import dev.fastbook.collab.formats.DataNotFoundException;
import dev.fastbook.collab.formats.RatingScale;
import dev.fastbook.collab.formats.RatingsFormat;
import dev.fastbook.collab.formats.RatingsParser;
import dev.fastbook.collab.formats.TextLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
 * <p>The ratings are parsed from bytes into int and float arrays ({@code RatingsParser}), with no
 * object per row (environment/BENCHMARKS.md has its load times).
 */
public final class MovieLens {

    /** Where GroupLens publishes the data sets: {@code BASE_URL + name + ".zip"}. */
    public static final String BASE_URL = Release.BASE_URL;
    /** Where GroupLens publishes ml-100k, the chapter's data set. */
    public static final String URL = BASE_URL + "ml-100k.zip";
    /** Environment variable naming a folder that contains {@code ml-100k/} (and the others); when set, nothing is downloaded. */
    public static final String ENV_VAR = DataLocator.ENV_VAR;
    /** System property that moves the cache root (default {@code ~/.fastbook/data}). */
    public static final String CACHE_PROPERTY = DataLocator.CACHE_PROPERTY;

    /** The train/test splits ml-100k ships, each as {@code <name>.base} and {@code <name>.test}. */
    static final List<String> OFFICIAL_SPLITS = List.of("u1", "u2", "u3", "u4", "u5", "ua", "ub");

    private MovieLens() {}

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
        return dataset("ml-100k").path();
    }

    /** The names {@link #dataset} knows, smallest first except that ml-100k (the chapter's) leads. */
    public static List<String> names() {
        return List.copyOf(Release.CATALOGUE.keySet());
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
        return new Dataset(release.name(), DataLocator.locate(release), release);
    }

    static Release release(String name) {
        Release release =
                name == null ? null : Release.CATALOGUE.get(name.trim().toLowerCase(Locale.ROOT));
        if (release == null) {
            StringBuilder known = new StringBuilder();
            Release.CATALOGUE
                    .values()
                    .forEach(r ->
                            known.append("\n  ").append(r.name()).append(": ").append(r.about()));
            throw new IllegalArgumentException("There is no MovieLens data set named '" + name + "'. The known ones:"
                    + known + "\nFor a ratings file of your own, use MovieLens.readRatings(path).");
        }
        return release;
    }

    /** The cache root: the system property {@value #CACHE_PROPERTY}, else {@code ~/.fastbook/data}. */
    public static Path cacheRoot() {
        return DataLocator.cacheRoot();
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
        String name =
                abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
        Release known = Release.ofFolderName(name);
        return new Dataset(known == null ? name : known.name(), abs, known);
    }

    /**
     * Reads one ratings file on its own ({@code u.data} with tabs, {@code *.dat} with {@code ::},
     * {@code *.csv} with a header naming {@code userId, movieId, rating, timestamp} in any order; a
     * file named otherwise by its first line): {@code user, movie, rating, timestamp} as in
     * {@link Dataset#ratings()}. csv ratings are read on the 0.5..5 scale in half stars as floats,
     * tab-separated ones on 1..5 as ints; a rating off that scale is an error naming its line.
     */
    public static Table readRatings(Path file) {
        RatingsFormat format = RatingsFormat.ofFileName(file.getFileName().toString());
        if (format == null) {
            format = RatingsFormat.ofLine(TextLines.firstLine(file));
        }
        return RatingsParser.read(file.toAbsolutePath(), format, format.defaultScale());
    }

    /** One MovieLens release in a folder: its name, where it is, and its tables. */
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
                return RatingsParser.read(path.resolve(file), RatingsFormat.ofFileName(file), release.scale());
            }
            for (String file : List.of("u.data", "ratings.dat", "ratings.csv")) {
                if (Files.isRegularFile(path.resolve(file))) {
                    RatingsFormat format = RatingsFormat.ofFileName(file);
                    return RatingsParser.read(path.resolve(file), format, format.defaultScale());
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
            return OFFICIAL_SPLITS.stream()
                    .filter(s -> Files.isRegularFile(path.resolve(s + ".base"))
                            && Files.isRegularFile(path.resolve(s + ".test")))
                    .toList();
        }

        /**
         * A shipped split by name ({@code u1}..{@code u5}, {@code ua}, {@code ub}): its {@code .base}
         * file as {@code train()}, its {@code .test} file as {@code test()}, read as {@link #ratings()}
         * reads u.data. They are not uniform samples: see {@link OfficialSplit}.
         *
         * @throws IllegalArgumentException for another name, or a release that ships no splits
         */
        public OfficialSplit split(String splitName) {
            List<String> names = splitNames();
            if (!names.contains(splitName)) {
                throw new IllegalArgumentException("There is no split '" + splitName + "' in " + path + ": "
                        + (names.isEmpty()
                                ? "only ml-100k ships official splits (" + String.join(", ", OFFICIAL_SPLITS)
                                        + "); split the ratings yourself, e.g. with CollabDataLoaders' validation fraction."
                                : "its splits are " + String.join(", ", names) + "."));
            }
            return new OfficialSplit(splitName, splitFile(splitName + ".base"), splitFile(splitName + ".test"));
        }

        private Table splitFile(String file) {
            return RatingsParser.read(path.resolve(file), RatingsFormat.TAB, RatingScale.WHOLE)
                    .setName(file);
        }

        private DataNotFoundException notFound(String what, String... files) {
            String expected = release != null
                    ? path.resolve(what.equals("ratings") ? release.ratingsFile() : release.moviesFile())
                            .toString()
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
