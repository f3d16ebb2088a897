package dev.fastbook.collab.movielens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastbook.collab.formats.MalformedDataException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** Input that used to load wrong without a word: a byte-order mark, a reordered header, a rating off the step. */
class RatingsParserTest {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    private Path write(String name, String content, boolean bom) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (bom) {
            bytes.write(BOM);
        }
        bytes.write(content.getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes.toByteArray());
        return file;
    }

    @Test
    void headerlessCsvWithAByteOrderMarkKeepsItsFirstRating() throws IOException {
        Path file = write("ratings.csv", "1,10,4.0,100\n2,20,3.5,200\n", true);
        Table t = MovieLens.readRatings(file);
        assertEquals(2, t.rowCount());
        assertArrayEquals(new int[] {1, 2}, t.intColumn("user").asIntArray());
        assertEquals(4.0f, t.floatColumn("rating").getFloat(0));
    }

    @Test
    void byteOrderMarkBeforeAHeaderOrInAnyTextFile() throws IOException {
        Path folder = dir.resolve("bom");
        write("bom/ratings.csv", "userId,movieId,rating,timestamp\n1,10,4.0,100\n", true);
        write("bom/movies.csv", "movieId,title,genres\n10,Heat (1995),Action\n", true);
        MovieLens.Dataset data = MovieLens.load(folder);
        assertEquals(1, data.ratings().rowCount());
        assertEquals("Heat (1995)", data.movies().stringColumn("title").get(0));
        Path uData = write("bom100k/u.data", "196\t242\t3\t881250949\n", true);
        write("bom100k/u.user", "1|24|M|technician|85711\n", true);
        write("bom100k/u.item", MovieLensTest.item(242, "Kolya (1996)") + "\n", true);
        MovieLens.Dataset ml = MovieLens.load(uData.getParent());
        assertEquals(196, ml.ratings().intColumn("user").getInt(0));
        assertEquals(1, ml.users().intColumn("user").getInt(0));
        assertEquals(242, ml.movies().intColumn("movie").getInt(0));
        assertEquals(242, ml.genres().intColumn("movie").getInt(0));
        assertEquals(
                42,
                MovieLens.readRatings(write("lone", "1::42::3::7\n", true))
                        .intColumn("movie")
                        .getInt(0));
    }

    @Test
    void headerIsReadByNameInAnyOrder() throws IOException {
        Path file =
                write("swapped/ratings.csv", "movieId,userId,rating,timestamp\n10,1,4.0,100\n20,2,2.5,200\n", false);
        Table t = MovieLens.readRatings(file);
        assertArrayEquals(new int[] {1, 2}, t.intColumn("user").asIntArray());
        assertArrayEquals(new int[] {10, 20}, t.intColumn("movie").asIntArray());
        Path shuffled =
                write("shuffled/ratings.csv", "timestamp,rating,movie,USER\n100,4.0,10,1\n200, 2.5 ,20,-2\n", false);
        Table s = MovieLens.readRatings(shuffled); // the second line takes the slow path
        assertArrayEquals(new int[] {1, -2}, s.intColumn("user").asIntArray());
        assertArrayEquals(new int[] {10, 20}, s.intColumn("movie").asIntArray());
        assertArrayEquals(new float[] {4.0f, 2.5f}, s.floatColumn("rating").asFloatArray());
        assertArrayEquals(new int[] {100, 200}, s.intColumn("timestamp").asIntArray());
    }

    @Test
    void headerWithUnknownOrRepeatedNamesIsRefused() throws IOException {
        Path file = write("odd/ratings.csv", "user_id,item_id,rating,timestamp\n1,10,4.0,100\n", false);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MovieLens.readRatings(file));
        assertEquals(1, e.line());
        assertTrue(
                e.getMessage()
                        .contains("the header's field 1 \"user_id\" is not one of userId, movieId, rating and"
                                + " timestamp, in any order"),
                e.getMessage());
        Path twice = write("twice/ratings.csv", "userId,userId,rating,timestamp\n1,10,4.0,100\n", false);
        e = assertThrows(MalformedDataException.class, () -> MovieLens.readRatings(twice));
        assertTrue(e.getMessage().contains("field 2 \"userId\" occurs twice"), e.getMessage());
    }

    @Test
    void ratingOffTheHalfStarStepNamesFileAndLine() throws IOException {
        Path file =
                write("quarter/ratings.csv", "userId,movieId,rating,timestamp\n1,10,4.0,100\n1,11,4.25,101\n", false);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> MovieLens.readRatings(file));
        assertEquals(3, e.line());
        assertEquals(file.toAbsolutePath(), e.file());
        assertTrue(
                e.getMessage()
                        .contains("ratings.csv, line 3: rating 4.25 on line 3 is not on this data set's scale"
                                + " of 0.5..5 in half stars"),
                e.getMessage());
        Path dat = write("ml-10M100K/ratings.dat", "1::2::3.3::4\n", false);
        write("ml-10M100K/movies.dat", "2::X (1999)::Drama\n", false);
        e = assertThrows(
                MalformedDataException.class,
                () -> MovieLens.load(dat.getParent()).ratings());
        assertTrue(e.getMessage().contains("rating 3.3 on line 1 is not on this data set's scale"), e.getMessage());
    }

    @Test
    void ratingOffTheWholeStarStepInMl100kNamesFileAndLine() throws IOException {
        Path file = write("ml-100k/u.data", "1\t2\t3\t4\n1\t3\t4.5\t5\n", false);
        MalformedDataException e = assertThrows(
                MalformedDataException.class,
                () -> MovieLens.load(file.getParent()).ratings());
        assertEquals(2, e.line());
        assertTrue(
                e.getMessage()
                        .contains("u.data, line 2: rating 4.5 on line 2 is not on this data set's scale of"
                                + " 1..5 whole stars"),
                e.getMessage());
        Path split = write("ml-100k/u1.base", "1\t2\t2.5\t4\n", false);
        write("ml-100k/u1.test", "1\t2\t3\t4\n", false);
        e = assertThrows(
                MalformedDataException.class,
                () -> MovieLens.load(split.getParent()).split("u1"));
        assertTrue(e.getMessage().contains("u1.base, line 1: rating 2.5"), e.getMessage());
    }

    @Test
    void negativeIdsStayAllowed() throws IOException {
        Path csv = write(
                "neg/ratings.csv", "userId,movieId,rating,timestamp\n-1,-10,4.0,100\n-2147483648,3,0.5,0\n", false);
        Table t = MovieLens.readRatings(csv);
        assertArrayEquals(new int[] {-1, Integer.MIN_VALUE}, t.intColumn("user").asIntArray());
        assertArrayEquals(new int[] {-10, 3}, t.intColumn("movie").asIntArray());
        Path headerless = write("neg2/r.csv", "-5,7,3.0,1\n", false);
        assertEquals(-5, MovieLens.readRatings(headerless).intColumn("user").getInt(0));
    }
}
