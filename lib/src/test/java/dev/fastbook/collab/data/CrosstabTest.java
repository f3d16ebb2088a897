package dev.fastbook.collab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastbook.collab.display.Display;
import dev.fastbook.collab.display.Displayable;
import dev.fastbook.collab.movielens.MovieLens;
import dev.fastbook.collab.movielens.RealData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class CrosstabTest {

    /**
     * Users 1..4, movies 10..40. Counts: user 1:3, 2:2, 3:2, 4:1; movie 10:3, 20:2, 30:2, 40:1.
     */
    static Table small() {
        return Table.create(
                "ratings",
                IntColumn.create("user", 3, 1, 1, 2, 1, 2, 3, 4),
                IntColumn.create("movie", 10, 10, 20, 10, 30, 30, 40, 20),
                IntColumn.create("rating", 4, 5, 3, 2, 1, 4, 5, 2));
    }

    @Test
    void picksMostActiveWithTiesToTheSmallerKeySortedAscending() {
        Crosstab t = Crosstab.mostActive(small(), "user", "movie", "rating", 2, 2);
        // user 1 has 3; users 2 and 3 tie at 2 -> 2 wins. movie 10 has 3; 20 and 30 tie -> 20.
        assertEquals(List.of(1, 2), t.rowKeys());
        assertEquals(List.of(10, 20), t.columnKeys());
        assertEquals(OptionalDouble.of(5), t.value(1, 10));
        assertEquals(OptionalDouble.of(3), t.value(1, 20));
        assertEquals(OptionalDouble.of(2), t.value(2, 10));
        assertEquals(OptionalDouble.empty(), t.value(2, 20));
    }

    @Test
    void askingForMoreThanThereIsGivesAll() {
        Crosstab t = Crosstab.mostActive(small(), 10, 10);
        assertEquals(List.of(1, 2, 3, 4), t.rowKeys());
        assertEquals(List.of(10, 20, 30, 40), t.columnKeys());
    }

    @Test
    void unknownKeyIsAClearError() {
        Crosstab t = Crosstab.mostActive(small(), 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.value(4, 10));
        assertTrue(e.getMessage().contains("user 4"), e.getMessage());
    }

    @Test
    void badColumnsAreClearErrors() {
        Table table = small().addColumns(DoubleColumn.create("score", 8));
        assertThrows(
                IllegalArgumentException.class, () -> Crosstab.mostActive(table, "score", "movie", "rating", 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Crosstab.mostActive(small(), 0, 2));
    }

    @Test
    void toTableHasKeyColumnThenOneColumnPerMovieWithMissingBlanks() {
        Table table = Crosstab.mostActive(small(), 2, 2).toTable();
        assertEquals(List.of("user", "10", "20"), table.columnNames());
        assertEquals(2, table.rowCount());
        assertEquals(1, table.intColumn("user").getInt(0));
        assertEquals(5, table.intColumn("10").getInt(0));
        assertTrue(table.intColumn("20").isMissing(1));
    }

    @Test
    void htmlHasBlankCellsAndNoDotZero() {
        Crosstab t = Crosstab.mostActive(small(), 2, 2);
        assertTrue(t instanceof Displayable);
        Map<String, String> bundle = t.mimeBundle();
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(bundle.keySet()));
        String html = bundle.get("text/html");
        assertTrue(html.contains("<th>10</th><th>20</th>"), html);
        assertTrue(html.contains("<tr><th>2</th><td>2</td><td></td></tr>"), html);
        assertFalse(html.contains(".0"), html);
        String text = bundle.get("text/plain");
        assertTrue(text.lines().count() == 3, text);
        assertFalse(text.contains(".0"), text);
        assertEquals(bundle, Display.bundle(t));
    }

    @Test
    void withPredictionsFillsOnlyTheBlanksAndMarksThem() {
        Crosstab t = Crosstab.mostActive(small(), 2, 2); // users 1, 2 x movies 10, 20; (2, 20) is blank
        List<List<Integer>> asked = new java.util.ArrayList<>();
        Crosstab.Filled filled = t.withPredictions((user, movie) -> {
            asked.add(List.of(user, movie));
            return 3.25;
        });
        assertEquals(List.of(List.of(2, 20)), asked, "called once per blank, with (row key, column key)");
        assertEquals(1, filled.predictedCount());
        assertEquals(3.25, filled.value(2, 20));
        assertTrue(filled.isPredicted(2, 20));
        assertEquals(5, filled.value(1, 10));
        assertFalse(filled.isPredicted(1, 10));
        assertEquals(t.rowKeys(), filled.rowKeys());
        assertEquals(t.columnKeys(), filled.columnKeys());
        assertTrue(t.value(2, 20).isEmpty(), "the crosstab itself is unchanged");

        Map<String, String> bundle = filled.mimeBundle();
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(bundle.keySet()));
        String html = bundle.get("text/html");
        assertTrue(html.contains("<tr><th>2</th><td>2</td><td class=\"predicted\""), html);
        assertTrue(html.contains(">3.3</td></tr>") || html.contains(">3.2</td></tr>"), html);
        assertEquals(1, html.split("class=\"predicted\"", -1).length - 1, html);
        assertTrue(html.contains("<tr><th>1</th><td>5</td><td>3</td></tr>"), "given values as before: " + html);
        String text = bundle.get("text/plain");
        assertEquals(3, text.lines().count(), text);
        assertTrue(text.lines().toList().get(2).matches("\\s*2\\s+2\\s+\\(3\\.[23]\\)"), text);
        assertEquals(bundle, Display.bundle(filled));
        assertThrows(IllegalArgumentException.class, () -> filled.value(9, 10));
    }

    @Test
    void withPredictionsRejectsAMissingPrediction() {
        Crosstab t = Crosstab.mostActive(small(), 2, 2);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> t.withPredictions((user, movie) -> Double.NaN));
        assertTrue(e.getMessage().contains("user 2 / movie 20"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.withPredictions((user, movie) -> null));
    }

    @Test
    void duplicatePairsAverage() {
        Table table = Table.create(
                "r", IntColumn.create("user", 1, 1), IntColumn.create("movie", 7, 7), IntColumn.create("rating", 3, 4));
        Crosstab t = Crosstab.mostActive(table, 1, 1);
        assertEquals(OptionalDouble.of(3.5), t.value(1, 7));
        assertTrue(t.mimeBundle().get("text/html").contains(">3.5<"));
        assertTrue(t.toTable().column("7") instanceof DoubleColumn);
    }

    @Test
    void realDataFifteenByFifteen() {
        Path folder = RealData.ml100k();
        Table ratings = MovieLens.load(folder).ratings();
        Crosstab t = Crosstab.mostActive(ratings, 15, 15);
        assertEquals(15, t.rowKeys().size());
        assertEquals(15, t.columnKeys().size());
        Table table = t.toTable();
        assertEquals(15, table.rowCount());
        assertEquals(16, table.columnCount());

        // The most rated movie is Star Wars (50, 583 ratings); the most active user is 405 (737).
        assertTrue(t.columnKeys().contains(50));
        assertTrue(t.rowKeys().contains(405));
        assertEquals(t.rowKeys().stream().sorted().toList(), t.rowKeys());

        // Every cell against a direct lookup.
        IntColumn user = ratings.intColumn("user");
        IntColumn movie = ratings.intColumn("movie");
        int blanks = 0;
        for (int u : t.rowKeys()) {
            for (int m : t.columnKeys()) {
                Table hit = ratings.where(user.isEqualTo(u).and(movie.isEqualTo(m)));
                OptionalDouble cell = t.value(u, m);
                if (hit.rowCount() == 0) {
                    assertTrue(cell.isEmpty());
                    blanks++;
                } else {
                    assertEquals(hit.intColumn("rating").getInt(0), cell.getAsDouble());
                }
            }
        }
        assertTrue(blanks > 0 && blanks < 225, "blanks: " + blanks);
    }
}
