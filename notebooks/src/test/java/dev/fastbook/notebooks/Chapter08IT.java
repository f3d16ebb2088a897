package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** notebooks/08_collab.ipynb, executed by environment/run with the real Jupyter and Java kernel. */
class Chapter08IT {

    private static final String NAME = "08_collab";
    private static final double TOLERANCE = 1e-9;

    private static ExecutedNotebook nb;

    @BeforeAll
    static void execute() {
        nb = ExecutedNotebook.of(NAME);
    }

    @Test
    void noCellRaisesAnError() {
        List<ExecutedNotebook.Output> errors = nb.errors();
        assertTrue(errors.isEmpty(), () -> "cells with errors:\n" + errors.stream()
                .map(ExecutedNotebook.Output::describe).collect(Collectors.joining("\n\n")));
        assertFalse(nb.codeCells().isEmpty(), "the notebook has code cells");
    }

    @Test
    void headShowsTheFirstRatings() {
        HtmlTable head = nb.table("ratings.first(5)");
        assertEquals(List.of("user", "movie", "rating", "timestamp"), head.header(), head::toString);
        assertEquals(5, head.rows().size(), head::toString);
        assertEquals(List.of("196", "242", "3", "881250949"), head.rows().get(0), head::toString);
        assertEquals(List.of("186", "302", "3", "891717742"), head.rows().get(1), head::toString);
    }

    @Test
    void crosstabHasFifteenUsersByFifteenMovies() {
        HtmlTable crosstab = nb.table("Crosstab.mostActive(");
        assertEquals(15, crosstab.rows().size(), () -> "data rows (<tr> with <td>):\n" + crosstab);
        List<String> header = crosstab.header();
        assertTrue(header.size() >= 15, () -> "header cells (<th>): " + header);
        List<String> movieColumns = movieColumns(crosstab);
        assertEquals(15, movieColumns.stream().map(Integer::parseInt).distinct().count(),
                () -> "15 distinct movie ids in the header: " + header);
        for (List<String> row : crosstab.rows()) {
            assertEquals(16, row.size(), () -> "a user id then 15 ratings: " + row);
        }
    }

    @Test
    void crosstabShowsTheMostActiveUsersAndMostRatedMoviesWithTheirRatings() throws IOException {
        Path data = ratingsFile();
        Map<Integer, Integer> perUser = new HashMap<>();
        Map<Integer, Integer> perMovie = new HashMap<>();
        Map<Long, Integer> rating = new HashMap<>();
        for (String line : Files.readAllLines(data, StandardCharsets.ISO_8859_1)) {
            String[] f = line.split("\t");
            int user = Integer.parseInt(f[0]);
            int movie = Integer.parseInt(f[1]);
            perUser.merge(user, 1, Integer::sum);
            perMovie.merge(movie, 1, Integer::sum);
            rating.put(key(user, movie), Integer.parseInt(f[2]));
        }
        HtmlTable crosstab = nb.table("Crosstab.mostActive(");
        List<Integer> movies = movieColumns(crosstab).stream().map(Integer::parseInt).toList();
        List<Integer> users = crosstab.rows().stream().map(r -> Integer.parseInt(r.get(0))).toList();
        assertEquals(top(perUser, 15), new HashSet<>(users), "the 15 users with the most ratings");
        assertEquals(top(perMovie, 15), new HashSet<>(movies), "the 15 movies with the most ratings");

        int blanks = 0;
        for (List<String> row : crosstab.rows()) {
            int user = Integer.parseInt(row.get(0));
            for (int c = 0; c < movies.size(); c++) {
                String shown = row.get(row.size() - movies.size() + c);
                Integer expected = rating.get(key(user, movies.get(c)));
                if (expected == null) {
                    blanks++;
                    assertTrue(shown.isBlank(), "blank where user " + user + " did not rate movie "
                            + movies.get(c) + ", shown: '" + shown + "'");
                } else {
                    assertEquals(expected, Double.parseDouble(shown), TOLERANCE,
                            "rating of user " + user + " for movie " + movies.get(c));
                }
            }
        }
        assertTrue(blanks > 0, "even the most active users have not rated every popular movie");
    }

    @Test
    void dotProductsOfTheLatentFactorToy() {
        assertEquals(2.142, nb.number("dot(user1, lastSkywalker)"), TOLERANCE);
        assertEquals(-1.611, nb.number("dot(user1, casablanca)"), TOLERANCE);
    }

    @Test
    void kernelspecIsTheProjectsJavaKernel() {
        // The executed copy records the kernel that ran it.
        String source;
        try {
            source = Files.readString(nb.file());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertTrue(source.contains("\"name\": \"java\""), "kernelspec java");
        assertTrue(Files.isRegularFile(ExecutedNotebook.repo().resolve("target/notebooks/" + NAME + ".html")),
                "environment/run writes the HTML copy too");
    }

    /** The last 15 header cells: the movie ids (a corner cell for the user column may come first). */
    private static List<String> movieColumns(HtmlTable table) {
        List<String> header = table.header();
        return header.subList(Math.max(0, header.size() - 15), header.size());
    }

    private static Set<Integer> top(Map<Integer, Integer> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<Integer, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(n)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private static long key(int user, int movie) {
        return ((long) user << 32) | movie;
    }

    /** u.data where the notebook found it: $FASTBOOK_DATA, else ../shared/data, else the library's cache. */
    private static Path ratingsFile() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("FASTBOOK_DATA");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env, "ml-100k", "u.data"));
        }
        candidates.add(ExecutedNotebook.repo().resolve("../shared/data/ml-100k/u.data").normalize());
        candidates.add(Path.of(System.getProperty("user.home"), ".fastbook", "data", "ml-100k", "u.data"));
        return candidates.stream().filter(Files::isRegularFile).findFirst()
                .orElseGet(() -> fail("MovieLens u.data not found in " + candidates));
    }
}
