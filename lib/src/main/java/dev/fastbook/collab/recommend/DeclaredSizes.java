package dev.fastbook.collab.recommend;

import dev.fastbook.collab.model.EmbSz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The sizes a saved model.properties declares, checked against model.params before they are built. */
final class DeclaredSizes {
    private DeclaredSizes() {}

    /** EmbeddingNN's weight matrices as (rows, columns) pairs: the embeddings, then each Linear. */
    static long[] nn(List<EmbSz> embSzs, int[] hidden) {
        List<Long> out = new ArrayList<>();
        long width = 0;
        for (EmbSz e : embSzs) {
            out.add((long) e.n());
            out.add((long) e.f());
            width += e.f();
        }
        for (int h : hidden) {
            out.add(width);
            out.add((long) h);
            width = h;
        }
        out.add(width);
        out.add(1L);
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Refuses declared sizes (pairs of rows and columns) whose weights alone need more bytes than
     * model.params holds, before any memory is allocated for them: an edited size otherwise
     * exhausts memory or crashes the JVM inside the engine.
     */
    static void requireFits(long[] sizes, String declared, Path propsFile) throws IOException {
        Path params = propsFile.resolveSibling("model.params");
        if (!Files.isRegularFile(params)) {
            throw new NoSuchFileException(
                    params.toString()); // a concurrent save may have replaced the version: the folder retries
        }
        long fileBytes = Files.size(params);
        if (fileBytes == 0) {
            throw new IOException(params + " is empty (0 bytes): it is not a saved model; save it again.");
        }
        long bytes = 0;
        try {
            for (int i = 0; i < sizes.length; i += 2) {
                bytes = Math.addExact(
                        bytes, Math.multiplyExact(Math.multiplyExact(sizes[i], sizes[i + 1]), Float.BYTES));
            }
        } catch (ArithmeticException e) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes > fileBytes) {
            throw new IOException(propsFile + " declares " + declared + ", weights of "
                    + (bytes == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(bytes)) + " bytes, but "
                    + params.getFileName()
                    + " holds " + fileBytes + ": " + params.getFileName()
                    + " ends too early (a truncated copy), or the sizes were"
                    + " edited, or the files are from different saves. Save the model again.");
        }
    }
}
