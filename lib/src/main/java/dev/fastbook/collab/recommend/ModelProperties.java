package dev.fastbook.collab.recommend;

import dev.fastbook.collab.model.YRange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The typed values of a saved model's {@code model.properties} (sizes, lists of sizes, the y
 * range): each read strictly, a missing or malformed value an {@link IOException} naming the file.
 */
final class ModelProperties {
    private ModelProperties() {}

    static String sizes(Properties p) {
        List<String> out = new ArrayList<>();
        for (String key : List.of("factors", "embSzs", "hidden")) {
            if (p.containsKey(key)) {
                out.add(key + "=" + p.getProperty(key));
            }
        }
        return out.isEmpty() ? "sizes from your factory" : String.join(", ", out);
    }

    static YRange range(Properties p, Path file) throws IOException {
        if (!p.containsKey("yRange.lo") && !p.containsKey("yRange.hi")) {
            return null;
        }
        try {
            return YRange.of(number(p, "yRange.lo", file), number(p, "yRange.hi", file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " has a bad y range: " + e.getMessage(), e);
        }
    }

    static List<String> list(Properties p, String key, Path file) throws IOException {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IOException(
                    file + " has no '" + key + "': the file is damaged or incomplete. Save the model again.");
        }
        return Arrays.stream(v.split(",")).map(String::strip).toList();
    }

    static int whole(Properties p, String key, Path file) throws IOException {
        double v = number(p, key, file);
        if (v < 1 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw new IOException(
                    file + " has " + key + "=" + p.getProperty(key) + "; it must be a whole number of at least 1.");
        }
        return (int) v;
    }

    static int whole(String v, String key, Path file) throws IOException {
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException(file + " has '" + v + "' in " + key
                + "; sizes are whole numbers of at least 1: the file is damaged. Save the model again.");
    }

    static double number(Properties p, String key, Path file) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException(
                    file + " has no '" + key + "': the file is damaged or incomplete. Save the model again.");
        }
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IOException(
                    file + " has " + key + "=" + v
                            + ", which is not a number: the file is damaged. Save the model again.",
                    e);
        }
    }
}
