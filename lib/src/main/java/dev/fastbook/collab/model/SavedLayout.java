package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.TreeMap;

/**
 * Checks a parameters file against the layout of the model it is read into, before DJL reads it:
 * DJL trusts the sizes a file declares (it allocates the length it reads and builds a tensor of
 * the shape it reads, even when they disagree), so an edited size could exhaust memory or crash
 * the JVM. The file must have exactly the model's byte count, and every byte outside the
 * parameters' values (names, types, shapes, lengths) must equal the model's own.
 */
final class SavedLayout {
    private final byte[] expected;
    private final BitSet values = new BitSet();
    private final TreeMap<Integer, String> headers = new TreeMap<>();

    /** {@code expected}: the model's own parameters in the saved format. */
    SavedLayout(byte[] expected, Parameters parameters) {
        this.expected = expected;
        for (Parameters.Named p : parameters) {
            NDArray a = p.array();
            byte[] encoded = a.encode();
            long valueBytes = a.size() * a.getDataType().getNumOfBytes();
            int headerLength = (int) (encoded.length - valueBytes);
            for (int at = find(encoded, headerLength, 0); at >= 0; at = find(encoded, headerLength, at + 1)) {
                values.set(at + headerLength, (int) (at + headerLength + valueBytes));
                headers.put(at, p.name());
            }
        }
    }

    /** The least a file can hold for these parameters: their values alone. */
    static long valueBytes(Parameters parameters) {
        long total = 0;
        for (Parameters.Named p : parameters) {
            total = Math.addExact(total, Math.multiplyExact(p.array().size(), (long)
                    p.array().getDataType().getNumOfBytes()));
        }
        return total;
    }

    /** Refuses {@code actual} (the file's bytes) unless it differs from the model's only in values. */
    void check(byte[] actual, long fileSize, Path file, String modelName) throws IOException {
        if (fileSize < expected.length || actual.length < expected.length) {
            throw refused(
                    file,
                    modelName,
                    "it ends too early: " + fileSize + " bytes, fewer than " + expected.length
                            + " for this model's parameters (a truncated copy?)");
        }
        if (fileSize > expected.length || actual.length > expected.length) {
            throw refused(
                    file,
                    modelName,
                    "it has bytes after the last parameter: " + fileSize + " bytes, " + expected.length
                            + " for this model's parameters");
        }
        for (int i = values.nextClearBit(0); i < expected.length; i = values.nextClearBit(i + 1)) {
            if (actual[i] != expected[i]) {
                var header = headers.floorEntry(i);
                String where = header == null
                        ? "the file's header"
                        : "the description (name, type, shape or length) of parameter " + header.getValue();
                throw refused(
                        file,
                        modelName,
                        "byte " + i + " differs from this model's layout, in " + where
                                + ": the file was edited or is from another model");
            }
        }
    }

    static IOException refused(Path file, String modelName, String what) {
        return new IOException(file + " does not hold parameters for this " + modelName + " (" + what + "). Build the"
                + " model with the same sizes it was saved with, or save it again.");
    }

    /** The first index from {@code from} where {@code expected} holds {@code pattern[0..length)}, or -1. */
    private int find(byte[] pattern, int length, int from) {
        outer:
        for (int i = from; i + length <= expected.length; i++) {
            for (int j = 0; j < length; j++) {
                if (expected[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
