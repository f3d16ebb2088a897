package dev.fastbook.collab.movielens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastbook.collab.formats.DataNotFoundException;
import dev.fastbook.collab.formats.MalformedDataException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

/** The official splits, the users and the genres: real ml-100k and ml-latest-small, made-up files for the rest. */
class MovieLensExtrasTest {

    @TempDir
    Path dir;

    private Path write(String folder, String name, String content, Charset charset) throws IOException {
        Path f = dir.resolve(folder);
        Files.createDirectories(f);
        Files.writeString(f.resolve(name), content, charset);
        return f;
    }

    // ---- made-up files ----

    @Test
    void splitsOfAMadeUpFolder() throws IOException {
        Path f = write("ml-100k", "u1.base", "1\t10\t3\t5\n2\t20\t4\t6\n", StandardCharsets.US_ASCII);
        write("ml-100k", "u1.test", "1\t20\t5\t7\n3\t30\t2\t8\n", StandardCharsets.US_ASCII);
        write("ml-100k", "ua.base", "1\t10\t3\t5\n", StandardCharsets.US_ASCII); // ua.test missing: not listed
        MovieLens.Dataset data = MovieLens.load(f);
        assertEquals(List.of("u1"), data.splitNames());
        OfficialSplit u1 = data.split("u1");
        assertEquals(List.of("user", "movie", "rating", "timestamp"), u1.train().columnNames());
        assertEquals(List.of("user", "movie", "rating", "timestamp"), u1.test().columnNames());
        assertEquals(ColumnType.INTEGER, u1.test().column("rating").type());
        assertEquals(2, u1.train().rowCount());
        assertEquals(30, u1.test().intColumn("movie").getInt(1));
        assertEquals(1, u1.testRowsWithUnseenMovie());
        assertEquals(1, u1.testRowsWithUnseenUser());
        assertEquals(
                "u1: train 2 ratings of 2 users and 2 movies; test 2 ratings of 2 users (ids 1-3) and 2 movies;"
                        + " 1 test rows have a movie the training file lacks, 1 a user it lacks",
                u1.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.split("ua"));
        assertTrue(e.getMessage().contains("its splits are u1"), e.getMessage());
    }

    @Test
    void releasesWithoutSplitsSaySo() throws IOException {
        Path f = write(
                "ml-latest-small",
                "ratings.csv",
                "userId,movieId,rating,timestamp\n1,1,4.0,5\n",
                StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> MovieLens.load(f).split("u1"));
        assertTrue(e.getMessage().contains("only ml-100k ships official splits"), e.getMessage());
        DataNotFoundException d = assertThrows(
                DataNotFoundException.class, () -> MovieLens.load(f).users());
        assertTrue(d.getMessage().contains("u.user") && d.getMessage().contains("users.dat"), d.getMessage());
    }

    @Test
    void ml1mUsersAndGenres() throws IOException {
        Path f = write(
                "ml-1m",
                "users.dat",
                "1::F::1::10::48067\n2::M::56::16::70072\n3::M::25::15::55117\n",
                StandardCharsets.ISO_8859_1);
        write(
                "ml-1m",
                "movies.dat",
                "1::Toy Story (1995)::Animation|Children's|Comedy\n"
                        + "2::Jumanji (1995)::Adventure|Children's|Fantasy\n",
                StandardCharsets.ISO_8859_1);
        MovieLens.Dataset data = MovieLens.load(f);
        Table users = data.users();
        assertEquals(List.of("user", "age", "gender", "occupation", "zip"), users.columnNames());
        assertEquals(ColumnType.INTEGER, users.column("age").type());
        assertEquals(56, users.intColumn("age").getInt(1));
        assertEquals("F", users.stringColumn("gender").get(0));
        assertEquals("K-12 student", users.stringColumn("occupation").get(0));
        assertEquals("self-employed", users.stringColumn("occupation").get(1));
        assertEquals("55117", users.stringColumn("zip").get(2));

        Table genres = data.genres();
        assertEquals(
                List.of("movie", "Adventure", "Animation", "Children's", "Comedy", "Fantasy"), genres.columnNames());
        assertEquals(0, genres.intColumn("Adventure").getInt(0));
        assertEquals(1, genres.intColumn("Children's").getInt(0));
        assertEquals(1, genres.intColumn("Children's").getInt(1));
        assertEquals(2, genres.intColumn("movie").getInt(1));
    }

    @Test
    void badUsersNameFileAndLine() throws IOException {
        Path f = write("ml-1m", "users.dat", "1::F::1::10::48067\n2::X::56::16::70072\n", StandardCharsets.US_ASCII);
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(f).users());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("gender field must be M or F"), e.getMessage());
        Path g = write("ml-1m", "users.dat", "1::F::19::10::48067\n", StandardCharsets.US_ASCII);
        e = assertThrows(MalformedDataException.class, () -> MovieLens.load(g).users());
        assertTrue(e.getMessage().contains("age 19 is not one of ml-1m's age brackets"), e.getMessage());
        Path u = write("u", "u.user", "1|24|M|technician\n", StandardCharsets.US_ASCII);
        e = assertThrows(MalformedDataException.class, () -> MovieLens.load(u).users());
        assertTrue(
                e.getMessage().contains("expected 5 '|'-separated fields")
                        && e.getMessage().contains("found 4"),
                e.getMessage());
    }

    @Test
    void uItemGenreFlagsMustBeZeroOrOne() throws IOException {
        String good = MovieLensTest.item(1, "Toy Story (1995)");
        Path f = write(
                "flags", "u.item", good + "\n" + good.replaceFirst("0$", "2") + "\n", StandardCharsets.ISO_8859_1);
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(f).genres());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("the Western flag (field 24) must be 0 or 1"), e.getMessage());
    }

    @Test
    void csvGenresAndTimestampsJoinWithRatings() throws IOException {
        Path f = write(
                "mine",
                "ratings.csv",
                "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,7,2.5,964981247\n",
                StandardCharsets.UTF_8);
        write(
                "mine",
                "movies.csv",
                MovieLensFormatsTest.CSV_MOVIES + "8,Nothing (2020),(no genres listed)\n",
                StandardCharsets.UTF_8);
        MovieLens.Dataset data = MovieLens.load(f);
        Table genres = data.genres();
        assertEquals(
                List.of("movie", "(no genres listed)", "Adventure", "Animation", "Comedy", "Drama", "Romance"),
                genres.columnNames());
        assertEquals(1, genres.intColumn("(no genres listed)").getInt(4));
        Table joined = data.ratings().joinOn("movie").inner(genres);
        assertEquals(2, joined.rowCount());
        assertEquals(
                964981247,
                joined.where(joined.intColumn("movie").isEqualTo(7))
                        .intColumn("timestamp")
                        .getInt(0));
        assertEquals(
                1,
                joined.where(joined.intColumn("movie").isEqualTo(7))
                        .intColumn("Romance")
                        .getInt(0));
    }

    // ---- the real ml-100k ----

    @Test
    void realOfficialSplits() {
        Path folder = RealData.ml100k();
        MovieLens.Dataset data = MovieLens.load(folder);
        assertEquals(List.of("u1", "u2", "u3", "u4", "u5", "ua", "ub"), data.splitNames());
        OfficialSplit u1 = data.split("u1");
        assertEquals(80_000, u1.train().rowCount());
        assertEquals(20_000, u1.test().rowCount());
        assertEquals(459, u1.testUsers());
        assertEquals(1, (int) u1.test().intColumn("user").min());
        assertEquals(462, (int) u1.test().intColumn("user").max());
        assertEquals(32, u1.testRowsWithUnseenMovie());
        assertEquals(0, u1.testRowsWithUnseenUser());
        assertTrue(u1.describe().contains("test 20,000 ratings of 459 users (ids 1-462)"), u1.describe());
        assertTrue(u1.describe().contains("32 test rows have a movie the training file lacks"), u1.describe());
        assertEquals(927, data.split("u5").testUsers());
        OfficialSplit ua = data.split("ua");
        assertEquals(9_430, ua.test().rowCount());
        assertEquals(943, ua.testUsers());
        // The five test files together are u.data.
        int total = 0;
        for (String name : List.of("u1", "u2", "u3", "u4", "u5")) {
            OfficialSplit s = data.split(name);
            assertEquals(100_000, s.train().rowCount() + s.test().rowCount());
            total += s.test().rowCount();
        }
        assertEquals(100_000, total);
        // Titles join as they do with ratings().
        Table withTitles = u1.test().joinOn("movie").inner(data.movies());
        assertEquals(20_000, withTitles.rowCount());
    }

    @Test
    void realUsersAndGenres() {
        Path folder = RealData.ml100k();
        MovieLens.Dataset data = MovieLens.load(folder);
        Table users = data.users();
        assertEquals(943, users.rowCount());
        assertEquals(List.of("user", "age", "gender", "occupation", "zip"), users.columnNames());
        assertEquals(24, users.intColumn("age").getInt(0));
        assertEquals("technician", users.stringColumn("occupation").get(0));
        assertEquals("85711", users.stringColumn("zip").get(0));
        assertEquals(
                273, users.where(users.stringColumn("gender").isEqualTo("F")).rowCount());
        assertEquals(21, users.stringColumn("occupation").countUnique());
        assertEquals(7, (int) users.intColumn("age").min());
        assertEquals(73, (int) users.intColumn("age").max());

        Table genres = data.genres();
        assertEquals(1682, genres.rowCount());
        assertEquals(20, genres.columnCount());
        assertEquals(Genres.ML_100K, genres.columnNames().subList(1, 20));
        // Toy Story: Animation, Children's, Comedy.
        for (String g : Genres.ML_100K) {
            int expected = List.of("Animation", "Children's", "Comedy").contains(g) ? 1 : 0;
            assertEquals(expected, genres.intColumn(g).getInt(0), g);
        }
        assertEquals(2, (int) genres.intColumn("unknown").sum());
        Table rated = data.ratings().joinOn("user").inner(users).joinOn("movie").inner(genres);
        assertEquals(100_000, rated.rowCount());
    }

    @Test
    void realMlLatestSmallGenres() {
        Path folder = RealData.mlLatestSmall();
        Table genres = MovieLens.load(folder).genres();
        assertEquals(9_742, genres.rowCount());
        assertEquals(21, genres.columnCount()); // movie and 20 genre names, "(no genres listed)" one of them
        assertTrue(genres.columnNames().contains("(no genres listed)"));
        assertTrue(genres.columnNames().contains("IMAX"));
        assertEquals(1, genres.intColumn("Fantasy").getInt(0)); // Toy Story
    }
}
