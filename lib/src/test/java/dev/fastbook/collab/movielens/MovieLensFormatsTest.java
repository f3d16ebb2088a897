package dev.fastbook.collab.movielens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Every MovieLens format through the same API, and bad input answered with file and line. */
class MovieLensFormatsTest {

    @TempDir
    Path dir;

    private Path write(String folder, String name, String content, Charset charset) throws IOException {
        Path f = dir.resolve(folder);
        Files.createDirectories(f);
        Files.writeString(f.resolve(name), content, charset);
        return f;
    }

    private Path write(String folder, String name, String content) throws IOException {
        return write(folder, name, content, StandardCharsets.UTF_8);
    }

    static final String CSV_RATINGS = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,3.5,964981247\n"
            + "2,6,0.5,964982224\n2,6,5.0,964982225\n"; // a duplicate (user, movie) pair: accepted
    static final String CSV_MOVIES = "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n"
            + "3,\"American President, The (1995)\",Comedy|Drama|Romance\n"
            + "6,\"Thing Called \"\"Love\"\", The (1993)\",Comedy\n"
            + "7,Amélie (Fabuleux destin d'Amélie Poulain) (2001),Comedy|Romance\n";

    // ---- formats ----

    @Test
    void csvWithHeaderHalfStarsAsFloatsAndQuotedTitles() throws IOException {
        Path f = write("ml-latest-small", "ratings.csv", CSV_RATINGS);
        write("ml-latest-small", "movies.csv", CSV_MOVIES);
        MovieLens.Dataset data = MovieLens.load(f);
        assertEquals("ml-latest-small", data.name());
        Table ratings = data.ratings();
        assertEquals(List.of("user", "movie", "rating", "timestamp"), ratings.columnNames());
        assertEquals(ColumnType.INTEGER, ratings.column("user").type());
        assertEquals(ColumnType.INTEGER, ratings.column("movie").type());
        assertEquals(ColumnType.FLOAT, ratings.column("rating").type());
        assertEquals(ColumnType.INTEGER, ratings.column("timestamp").type());
        assertEquals(4, ratings.rowCount());
        assertEquals(3.5f, ratings.floatColumn("rating").getFloat(1));
        assertEquals(0.5f, ratings.floatColumn("rating").getFloat(2));
        assertEquals(964981247, ratings.intColumn("timestamp").getInt(1));

        Table movies = data.movies();
        assertEquals(List.of("movie", "title", "genres"), movies.columnNames());
        assertEquals(
                "American President, The (1995)", movies.stringColumn("title").get(1));
        assertEquals(
                "Thing Called \"Love\", The (1993)",
                movies.stringColumn("title").get(2));
        assertEquals(
                "Amélie (Fabuleux destin d'Amélie Poulain) (2001)",
                movies.stringColumn("title").get(3));
        assertEquals("Comedy|Drama|Romance", movies.stringColumn("genres").get(1));
        assertEquals(7, movies.intColumn("movie").getInt(3));
    }

    @Test
    void datWithDoubleColonsLatin1TitlesWholeStarsAsInts() throws IOException {
        Path f = write("ml-1m", "ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n2::1193::1::978298413\n");
        write(
                "ml-1m",
                "movies.dat",
                "1::Toy Story (1995)::Animation|Children's|Comedy\n" + "3::Misérables, Les (1995)::Drama|Musical\n",
                StandardCharsets.ISO_8859_1);
        MovieLens.Dataset data = MovieLens.load(f);
        assertEquals("ml-1m", data.name());
        Table ratings = data.ratings();
        assertEquals(ColumnType.INTEGER, ratings.column("rating").type());
        assertEquals(List.of("user", "movie", "rating", "timestamp"), ratings.columnNames());
        assertEquals(1193, ratings.intColumn("movie").getInt(2));
        assertEquals(5, ratings.intColumn("rating").getInt(0));
        Table movies = data.movies();
        assertEquals("Misérables, Les (1995)", movies.stringColumn("title").get(1));
        assertEquals(
                "Animation|Children's|Comedy", movies.stringColumn("genres").get(0));
    }

    @Test
    void ml10mFolderNameIsMappedAndItsHalfStarsAreFloats() throws IOException {
        Path f = write("ml-10M100K", "ratings.dat", "1::122::5::838985046\n1::185::4.5::838983525\n");
        write(
                "ml-10M100K",
                "movies.dat",
                "122::Boomerang (1992)::Comedy|Romance\n" + "185::Misérables, Les (1995)::Drama\n",
                StandardCharsets.UTF_8);
        MovieLens.Dataset data = MovieLens.load(f);
        assertEquals("ml-10m", data.name());
        Table ratings = data.ratings();
        assertEquals(ColumnType.FLOAT, ratings.column("rating").type());
        assertEquals(4.5f, ratings.floatColumn("rating").getFloat(1));
        assertEquals(
                "Misérables, Les (1995)", data.movies().stringColumn("title").get(1)); // UTF-8 in .dat
    }

    @Test
    void datOfUnknownOriginIsIntsWhenWholeAndFloatsWhenHalf() throws IOException {
        Path whole = write("mine", "ratings.dat", "1::2::5::3\n");
        assertEquals(
                ColumnType.INTEGER,
                MovieLens.load(whole).ratings().column("rating").type());
        Path half = write("mine2", "ratings.dat", "1::2::5::3\n1::3::2.5::4\n");
        assertEquals(
                ColumnType.FLOAT,
                MovieLens.load(half).ratings().column("rating").type());
    }

    @Test
    void readRatingsReadsALoneFileOfEachFormat() throws IOException {
        Path csv = write("x", "scale.csv", CSV_RATINGS).resolve("scale.csv");
        Table t = MovieLens.readRatings(csv);
        assertEquals(4, t.rowCount());
        assertEquals(ColumnType.FLOAT, t.column("rating").type());
        Path tab = write("x", "u1.base", "1\t2\t3\t4\n").resolve("u1.base");
        assertEquals(
                ColumnType.INTEGER, MovieLens.readRatings(tab).column("rating").type());
        Path noExtension = write("x", "ratings", "1::2::3.5::4\n").resolve("ratings");
        assertEquals(
                3.5f, MovieLens.readRatings(noExtension).floatColumn("rating").getFloat(0));
    }

    @Test
    void spacesAroundFieldsAreTolerated() throws IOException {
        Path f = write("sp", "ratings.csv", "userId,movieId,rating,timestamp\n 1 , 2 ,3.5, 4\n");
        Table t = MovieLens.load(f).ratings();
        assertEquals(2, t.intColumn("movie").getInt(0));
        assertEquals(3.5f, t.floatColumn("rating").getFloat(0));
    }

    // ---- bad input ----

    @Test
    void idTooLargeForAnIntSaysSo() throws IOException {
        Path f = write("big", "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,5\n1099511627776,1,4.0,5\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(f).ratings());
        assertEquals(3, e.line());
        assertTrue(
                e.getMessage().contains("user id 1099511627776 on line 3 is larger than the largest int (2147483647)"),
                e.getMessage());
        Path u = write("big100k", "u.data", "1\t2147483648\t3\t4\n");
        e = assertThrows(MalformedDataException.class, () -> MovieLens.load(u).ratings());
        assertTrue(
                e.getMessage().contains("movie id 2147483648 on line 1 is larger than the largest int"),
                e.getMessage());
    }

    @Test
    void ratingOutsideTheScaleNamesTheLine() throws IOException {
        Path csv = write("neg", "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,5\n1,2,-1,5\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(csv).ratings());
        assertEquals(3, e.line());
        assertTrue(
                e.getMessage().contains("rating -1 on line 3 is outside this data set's scale of 0.5..5"),
                e.getMessage());
        assertTrue(e.getMessage().contains("\"1,2,-1,5\""), e.getMessage());

        Path high = write("high", "ratings.csv", "userId,movieId,rating,timestamp\n1,1,5.5,5\n");
        e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(high).ratings());
        assertTrue(e.getMessage().contains("rating 5.5 on line 2"), e.getMessage());

        Path zero = write("zero", "ratings.csv", "userId,movieId,rating,timestamp\n1,1,0,5\n");
        assertThrows(MalformedDataException.class, () -> MovieLens.load(zero).ratings());

        Path u = write("u7", "u.data", "1\t2\t3\t4\n1\t3\t7\t4\n");
        e = assertThrows(MalformedDataException.class, () -> MovieLens.load(u).ratings());
        assertTrue(
                e.getMessage().contains("rating 7 on line 2 is outside this data set's scale of 1..5"), e.getMessage());

        Path oneM = write("ml-1m", "ratings.dat", "1::2::3.5::4\n");
        e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(oneM).ratings());
        assertTrue(
                e.getMessage().contains("rating 3.5 on line 1 is not on this data set's scale of 1..5 whole stars"),
                e.getMessage());
    }

    @Test
    void truncatedCsvLineNamesFileAndLine() throws IOException {
        Path f = write("cut", "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,5\n1,2,3.5,6\n1,3");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(f).ratings());
        assertEquals(4, e.line());
        assertEquals(f.resolve("ratings.csv"), e.file());
        assertTrue(e.getMessage().contains("ratings.csv, line 4: expected 4 comma-separated fields"), e.getMessage());
        assertTrue(e.getMessage().contains("found 2") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void wrongColumnCountInDatAndCsv() throws IOException {
        Path dat = write("ml-1m", "ratings.dat", "1::2::3::4\n1::2::3::4::5\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(dat).ratings());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("'::'-separated") && e.getMessage().contains("found 5"), e.getMessage());
        Path hdr = write("hdr", "ratings.csv", "userId,movieId,rating\n1,2,3\n");
        e = assertThrows(MalformedDataException.class, () -> MovieLens.load(hdr).ratings());
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("header"), e.getMessage());
    }

    @Test
    void headerWithoutRatingsIsAnError() throws IOException {
        Path f = write("hdronly", "ratings.csv", "userId,movieId,rating,timestamp\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(f).ratings());
        assertTrue(e.getMessage().contains("header but no ratings"), e.getMessage());
    }

    @Test
    void notANumberNamesTheField() throws IOException {
        Path f = write("nan", "ratings.csv", "userId,movieId,rating,timestamp\n1,2,four,5\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(f).ratings());
        assertTrue(e.getMessage().contains("the rating field is not a number: \"four\""), e.getMessage());
        Path g = write("nan2", "ratings.csv", "userId,movieId,rating,timestamp\nu1,2,4,5\n");
        e = assertThrows(MalformedDataException.class, () -> MovieLens.load(g).ratings());
        assertTrue(e.getMessage().contains("the user field is not a whole number: \"u1\""), e.getMessage());
    }

    @Test
    void moviesCsvWithAnUnclosedQuoteNamesTheLine() throws IOException {
        Path f = write("q", "movies.csv", "movieId,title,genres\n1,\"Toy Story (1995),Animation\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(f).movies());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("never closed"), e.getMessage());
    }

    @Test
    void utf8BytesInLatin1UItemAreDecodedAsUtf8() throws IOException {
        // An edited u.item: one line re-saved as UTF-8, the rest Latin-1 as GroupLens wrote it.
        Path f = dir.resolve("mixed");
        Files.createDirectories(f);
        byte[] latin1 = (MovieLensTest.item(1, "Misérables, Les (1995)") + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] utf8 =
                (MovieLensTest.item(2, "Á köldum klaka (Cold Fever) (1994)") + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] both = new byte[latin1.length + utf8.length];
        System.arraycopy(latin1, 0, both, 0, latin1.length);
        System.arraycopy(utf8, 0, both, latin1.length, utf8.length);
        Files.write(f.resolve("u.item"), both);
        Table movies = MovieLens.load(f).movies();
        assertEquals("Misérables, Les (1995)", movies.stringColumn("title").get(0));
        assertEquals(
                "Á köldum klaka (Cold Fever) (1994)",
                movies.stringColumn("title").get(1));
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MovieLens.dataset("ml-50m"));
        for (String name : MovieLens.names()) {
            assertTrue(e.getMessage().contains(name + ":"), e.getMessage());
        }
        assertTrue(e.getMessage().contains("'ml-50m'"), e.getMessage());
        assertEquals(
                List.of("ml-100k", "ml-latest-small", "ml-1m", "ml-10m", "ml-20m", "ml-25m", "ml-32m", "ml-latest"),
                MovieLens.names());
    }

    @Test
    void fastbookDataFolderNamedLikeTheZipIsFound() throws IOException {
        write("ml-10M100K", "ratings.dat", "1::2::3::4\n");
        write("ml-10M100K", "movies.dat", "2::X (1999)::Drama\n");
        assertEquals(
                dir.resolve("ml-10M100K"),
                DataLocator.findFolder(MovieLens.release("ml-10m"), dir.toString(), dir.resolve("cache"), null));
    }

    // ---- the real ml-latest-small ----

    @Test
    void realMlLatestSmallThroughDataset() {
        Path base = RealData.base("ml-latest-small");
        Path folder = DataLocator.findFolder(MovieLens.release("ml-latest-small"), base.toString(), dir, null);
        MovieLens.Dataset data = MovieLens.load(folder);
        assertEquals("ml-latest-small", data.name());
        Table ratings = data.ratings();
        assertEquals(100_836, ratings.rowCount());
        assertEquals(ColumnType.FLOAT, ratings.column("rating").type());
        assertEquals(0.5, ratings.floatColumn("rating").min());
        assertEquals(5.0, ratings.floatColumn("rating").max());
        assertEquals(610, ratings.intColumn("user").countUnique());
        assertEquals(9_724, ratings.intColumn("movie").countUnique()); // rated ones; movies.csv lists 9,742
        assertEquals(964982703, ratings.intColumn("timestamp").getInt(0));
        Table movies = data.movies();
        assertEquals(9_742, movies.rowCount());
        assertEquals(List.of("movie", "title", "genres"), movies.columnNames());
        assertEquals("Toy Story (1995)", movies.stringColumn("title").get(0));
        assertEquals(
                "American President, The (1995)",
                movies.where(movies.intColumn("movie").isEqualTo(11))
                        .stringColumn("title")
                        .get(0));

        String env = System.getenv(MovieLens.ENV_VAR);
        if (env != null && Files.isRegularFile(Path.of(env).resolve("ml-latest-small/ratings.csv"))) {
            // The public entry point, when FASTBOOK_DATA is usable from here as it is.
            assertEquals(100_836, MovieLens.dataset("ml-latest-small").ratings().rowCount());
        }
    }
}
