package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** MovieLens 100k read directly (not through the library), to check what the notebooks show. */
final class MovieLensFiles {
    private MovieLensFiles() {}

    /** The ml-100k folder where the notebooks found it: $FASTBOOK_DATA, else ../shared/data, else the cache. */
    static Path folder() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("FASTBOOK_DATA");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env, "ml-100k"));
        }
        candidates.add(ExecutedNotebook.repo().resolve("../shared/data/ml-100k").normalize());
        candidates.add(Path.of(System.getProperty("user.home"), ".fastbook", "data", "ml-100k"));
        return candidates.stream()
                .filter(p -> Files.isRegularFile(p.resolve("u.data")))
                .findFirst()
                .orElseGet(() -> fail("MovieLens u.data not found in " + candidates));
    }

    static Path ratingsFile() {
        return folder().resolve("u.data");
    }

    static List<String> lines(String file) {
        try {
            return Files.readAllLines(folder().resolve(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Movie id to title, from u.item. */
    static Map<Integer, String> titles() {
        Map<Integer, String> titles = new HashMap<>();
        for (String line : lines("u.item")) {
            String[] f = line.split("\\|");
            titles.put(Integer.parseInt(f[0]), f[1]);
        }
        return titles;
    }

    /** User id to the titles they rated. */
    static Map<String, Set<String>> ratedTitles() {
        Map<Integer, String> titles = titles();
        Map<String, Set<String>> rated = new HashMap<>();
        for (String line : lines("u.data")) {
            String[] f = line.split("\t");
            rated.computeIfAbsent(f[0], u -> new HashSet<>()).add(titles.get(Integer.parseInt(f[1])));
        }
        return rated;
    }
}
