package dev.fastbook.collab.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyedGridTest {

    @Test
    void htmlEscapesKeysAndMarksCells() {
        KeyedGrid grid = new KeyedGrid(
                "a \\ b",
                List.of("<x>", "y"),
                List.of("1", "22"),
                new String[][] {{"5", ""}, {"3", "4.5"}},
                new boolean[][] {{false, true}, {false, false}},
                "rating by a and b; ",
                "predicted where blank");
        String html = grid.html();
        assertTrue(
                html.startsWith("<table class=\"dataframe crosstab\">\n<caption>rating by a and b; <span style=\""
                        + KeyedGrid.MARKED_STYLE + "\">predicted where blank</span></caption>\n"),
                html);
        assertTrue(html.contains("<tr><th>&lt;x&gt;</th><td>5</td><td class=\"predicted\" style=\""), html);
        assertTrue(html.contains("<tr><th>y</th><td>3</td><td>4.5</td></tr>"), html);
        assertEquals(
                List.of("text/html", "text/plain"),
                List.copyOf(grid.mimeBundle().keySet()));
    }

    @Test
    void textIsRightAlignedWithMarksInBrackets() {
        KeyedGrid grid = new KeyedGrid(
                "u \\ m",
                List.of("1", "200"),
                List.of("7", "8"),
                new String[][] {{"5", "3.1"}, {"", "4"}},
                new boolean[][] {{false, true}, {false, false}},
                null,
                null);
        assertEquals(String.join("\n", "u \\ m  7      8", "    1  5  (3.1)", "  200         4"), grid.text());
        assertEquals(
                "u \\ m  7  8\n    1  5  3",
                KeyedGrid.of("u \\ m", List.of("1"), List.of("7", "8"), new String[][] {{"5", "3"}})
                        .text());
    }
}
