package dev.fastbook.collab.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The parser reads in chunks: a line or a byte-order mark cut by a chunk's end must read as if whole. */
class RatingsParserChunksTest {

    @TempDir
    Path dir;

    private Path write(String content, boolean bom) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (bom) {
            bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        }
        bytes.write(content.getBytes(StandardCharsets.UTF_8));
        return Files.write(dir.resolve("ratings.csv"), bytes.toByteArray());
    }

    @Test
    void aByteOrderMarkIsSkippedOnlyAtTheStartWhateverTheChunk() throws IOException {
        Path file = write("1,10,4.0,100\n2,20,3.5,200\n", true);
        for (int chunk : new int[] {14, 16, 17, 19, 1 << 20}) {
            Table t = RatingsParser.read(file, RatingsFormat.CSV, RatingScale.HALF, chunk);
            assertEquals(2, t.rowCount(), "chunk " + chunk);
            assertArrayEquals(new int[] {1, 2}, t.intColumn("user").asIntArray(), "chunk " + chunk);
        }
    }

    @Test
    void chunkBoundariesAnywhereGiveTheSameTable() throws IOException {
        Random random = new Random(7);
        StringBuilder csv = new StringBuilder("userId,movieId,rating,timestamp\n");
        int n = 3000;
        int[] users = new int[n];
        float[] ratings = new float[n];
        for (int i = 0; i < n; i++) {
            users[i] = random.nextInt(Integer.MAX_VALUE);
            ratings[i] = (1 + random.nextInt(10)) / 2f;
            csv.append(users[i])
                    .append(',')
                    .append(random.nextInt(90_000))
                    .append(',')
                    .append(ratings[i])
                    .append(',')
                    .append(random.nextInt(Integer.MAX_VALUE))
                    .append(i % 7 == 0 ? "\r\n" : "\n");
        }
        Path file = write(csv.toString(), false);
        for (int chunk : new int[] {64, 97, 1000, 1 << 20}) {
            Table t = RatingsParser.read(file, RatingsFormat.CSV, RatingScale.HALF, chunk);
            assertEquals(n, t.rowCount(), "chunk " + chunk);
            assertArrayEquals(users, t.intColumn("user").asIntArray(), "chunk " + chunk);
            assertArrayEquals(ratings, t.floatColumn("rating").asFloatArray(), "chunk " + chunk);
        }
    }
}
