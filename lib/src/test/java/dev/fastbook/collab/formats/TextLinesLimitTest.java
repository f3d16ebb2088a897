package dev.fastbook.collab.formats;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A movies or users file far larger than any release's is refused before it is read into memory. */
class TextLinesLimitTest {
    @Test
    void aHugeFileIsRefusedBeforeItIsRead(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("u.item");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(TextLines.MAX_BYTES + 1); // sparse: no disk or memory used
        }
        var e = assertThrows(MalformedDataException.class, () -> TextLines.read(file));
        assertEquals(
                file + ", line 1: the file holds 268435457 bytes, more than the 268435456 a movies or users file of any"
                        + " MovieLens release comes near: check that the path names that file.",
                e.getMessage());
    }
}
