package dev.fastbook.collab.movielens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastbook.collab.formats.DataNotFoundException;
import dev.fastbook.collab.formats.MalformedDataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

class MovieLensTest {

    @TempDir
    Path dir;

    static final String GOOD_DATA = "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n";

    static String item(int id, String title) {
        // 24 fields: id, title, release date, video date, URL, 19 genre flags
        return id + "|" + title + "|01-Jan-1995||http://us.imdb.com/x|"
                + String.join("|", Collections.nCopies(19, "0"));
    }

    static final String GOOD_ITEM = item(1, "Toy Story (1995)") + "\n" + item(2, "GoldenEye (1995)") + "\n"
            + item(543, "Misérables, Les (1995)") + "\n";

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content, StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsRatingsInFileOrderAsIntColumns() throws IOException {
        write("u.data", GOOD_DATA);
        Table ratings = MovieLens.load(dir).ratings();
        assertEquals("ratings", ratings.name());
        assertEquals(List.of("user", "movie", "rating", "timestamp"), ratings.columnNames());
        ratings.columns().forEach(c -> assertEquals(ColumnType.INTEGER, c.type()));
        assertEquals(3, ratings.rowCount());
        assertEquals(196, ratings.intColumn("user").getInt(0));
        assertEquals(242, ratings.intColumn("movie").getInt(0));
        assertEquals(3, ratings.intColumn("rating").getInt(0));
        assertEquals(881250949, ratings.intColumn("timestamp").getInt(0));
        assertEquals(22, ratings.intColumn("user").getInt(2));
    }

    @Test
    void readsMoviesAsLatin1() throws IOException {
        write("u.item", GOOD_ITEM);
        Table movies = MovieLens.load(dir).movies();
        assertEquals("movies", movies.name());
        assertEquals(List.of("movie", "title"), movies.columnNames());
        assertEquals(ColumnType.INTEGER, movies.column("movie").type());
        assertEquals(ColumnType.STRING, movies.column("title").type());
        assertEquals("GoldenEye (1995)", movies.stringColumn("title").get(1));
        assertEquals("Misérables, Les (1995)", movies.stringColumn("title").get(2));
        assertEquals(543, movies.intColumn("movie").getInt(2));
    }

    @Test
    void toleratesMissingFinalNewlineAndTrailingBlankLines() throws IOException {
        write("u.data", "1\t2\t3\t4\n5\t6\t5\t8");
        assertEquals(2, MovieLens.load(dir).ratings().rowCount());
        write("u.data", "1\t2\t3\t4\r\n\n\n");
        assertEquals(1, MovieLens.load(dir).ratings().rowCount());
    }

    @Test
    void shortLineNamesFileAndLine() throws IOException {
        write("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t37"); // truncated copy
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(dir).ratings());
        assertEquals(3, e.line());
        assertEquals(dir.resolve("u.data").toAbsolutePath(), e.file());
        assertTrue(e.getMessage().contains("u.data, line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 4"), e.getMessage());
    }

    @Test
    void nonNumericFieldNamesFileLineAndField() throws IOException {
        write("u.data", "196\t242\t3\t881250949\n186\t302\tthree\t891717742\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(dir).ratings());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("u.data, line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("rating") && e.getMessage().contains("\"three\""), e.getMessage());
    }

    @Test
    void tooManyFieldsIsAnError() throws IOException {
        write("u.data", "196\t242\t3\t881250949\t7\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(dir).ratings());
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("found 5"), e.getMessage());
    }

    @Test
    void wrongColumnCountInItemsNamesFileAndLine() throws IOException {
        write("u.item", item(1, "Toy Story (1995)") + "\n2|GoldenEye (1995)|01-Jan-1995\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(dir).movies());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("u.item, line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 24") && e.getMessage().contains("found 3"), e.getMessage());
    }

    @Test
    void nonNumericMovieIdInItems() throws IOException {
        write("u.item", item(1, "Toy Story (1995)").replaceFirst("^1", "x1") + "\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(dir).movies());
        assertTrue(e.getMessage().contains("u.item, line 1") && e.getMessage().contains("movie"), e.getMessage());
    }

    @Test
    void emptyFileIsAnError() throws IOException {
        write("u.data", "");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(dir).ratings());
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("u.data") && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void blankLineInTheMiddleIsAnError() throws IOException {
        write("u.data", "1\t2\t3\t4\n\n5\t6\t4\t8\n");
        MalformedDataException e = assertThrows(
                MalformedDataException.class, () -> MovieLens.load(dir).ratings());
        assertEquals(2, e.line());
    }

    @Test
    void missingFileSaysWhichFile() {
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class, () -> MovieLens.load(dir).ratings());
        assertTrue(e.getMessage().contains(dir.resolve("u.data").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("ratings.dat") && e.getMessage().contains("ratings.csv"), e.getMessage());
    }

    // ---- the real data, when FASTBOOK_DATA points at it ----

    @Test
    void realRatings() {
        Path folder = RealData.ml100k();
        Table ratings = MovieLens.load(folder).ratings();
        assertEquals(100_000, ratings.rowCount());
        assertEquals(196, ratings.intColumn("user").getInt(0));
        assertEquals(242, ratings.intColumn("movie").getInt(0));
        assertEquals(3, ratings.intColumn("rating").getInt(0));
        assertEquals(881250949, ratings.intColumn("timestamp").getInt(0));
        assertEquals(943, ratings.intColumn("user").countUnique());
        assertEquals(1682, ratings.intColumn("movie").countUnique());
    }

    @Test
    void realMovies() {
        Path folder = RealData.ml100k();
        Table movies = MovieLens.load(folder).movies();
        assertEquals(1682, movies.rowCount());
        String[] first = {
            "Toy Story (1995)", "GoldenEye (1995)", "Four Rooms (1995)", "Get Shorty (1995)", "Copycat (1995)"
        };
        for (int i = 0; i < first.length; i++) {
            assertEquals(i + 1, movies.intColumn("movie").getInt(i));
            assertEquals(first[i], movies.stringColumn("title").get(i));
        }
        // latin-1: é and Á must decode, not turn into U+FFFD
        assertEquals("Misérables, Les (1995)", titleOf(movies, 543));
        assertEquals("Á köldum klaka (Cold Fever) (1994)", titleOf(movies, 1633));
        assertEquals(1664, movies.stringColumn("title").countUnique());
    }

    @Test
    void staticShortcutsUseFastbookData() {
        String env = System.getenv(MovieLens.ENV_VAR);
        if (env == null || !Path.of(env).resolve("ml-100k/u.data").toFile().isFile()) {
            throw RealData.absent("FASTBOOK_DATA does not name a folder holding ml-100k/u.data from here (it is "
                    + (env == null ? "unset" : "'" + env + "'") + "): set it to an absolute path");
        }
        assertEquals(100_000, MovieLens.ratings().rowCount());
        assertEquals(1682, MovieLens.movies().rowCount());
    }

    private static String titleOf(Table movies, int id) {
        return movies.where(movies.intColumn("movie").isEqualTo(id))
                .stringColumn("title")
                .get(0);
    }
}
