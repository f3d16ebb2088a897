package dev.fastbook.collab.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.core.Vocab;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Side tables that do not fit the ratings (issue 22): refused, or counted and printed once. */
class SideTablesTest {
    private static final Vocab USERS = Vocab.of("user", List.of(1, 2, 3, 4));
    private static final Vocab ITEMS = Vocab.of("movie", List.of(10, 20, 30));

    private static String printed(Runnable action) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missingUsersAndValuesAreCountedAndPrintedOnce() {
        Table users = Table.create(
                "users",
                IntColumn.create("user", 1, 2, 3),
                StringColumn.create("gender", "F", null, "M"),
                StringColumn.create("occupation", "a", "b", "c"),
                DoubleColumn.create("age", 20, Double.NaN, 40));
        SideFeatures[] side = new SideFeatures[1];
        String out = printed(() -> side[0] = SideFeatures.of(USERS, ITEMS)
                .userCategories(users, "user", "gender", "occupation")
                .userContinuous(users, "user", "age"));
        assertTrue(
                out.contains(
                        "SideFeatures: 1 of 4 users are not in the side table users (e.g. 4); they get category #na# and zeros."),
                out);
        assertEquals(1, out.split("are not in the side table", -1).length - 1, "printed once for the table: " + out);
        assertTrue(
                out.contains(
                        "SideFeatures: column 'gender' of users has no value for 1 users (e.g. 2); they get category #na#."),
                out);
        assertTrue(
                out.contains(
                        "SideFeatures: column 'age' of users has no value for 1 users (e.g. 2); they get the column's mean."),
                out);
        assertEquals(0, side[0].userCats.get(0).codes()[2], "a missing gender is #na#, not a category of its own");
    }

    @Test
    void repeatedIdsAndFlagsOtherThanZeroOrOneAreRefused() {
        Table twice =
                Table.create("users", IntColumn.create("user", 1, 2, 1), StringColumn.create("gender", "F", "M", "M"));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> SideFeatures.of(USERS, ITEMS).userCategories(twice, "user", "gender"));
        assertEquals(
                "The side table users has user 1 twice (rows 0 and 2): a side table has one row per user. Remove the"
                        + " repeated rows, or aggregate them first.",
                e.getMessage());

        Table genres =
                Table.create("genres", IntColumn.create("movie", 10, 20, 30), IntColumn.create("Drama", 0, 2, 1));
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SideFeatures.of(USERS, ITEMS).itemFlags(genres, "movie", "Drama"));
        assertEquals(
                "Column 'Drama' of genres holds 2.0 for 20: flags are 0 or 1. Give it as a continuous column"
                        + " (itemContinuous) or fix the value.",
                e.getMessage());
    }

    @Test
    void aMissingAgeIsNotUnder18() {
        Table users = Table.create("users", IntColumn.create("user", 1, 2), IntColumn.create("age", new int[] {30, 0}));
        users.intColumn("age").setMissing(1);
        Table[] out = new Table[1];
        String printed = printed(() -> out[0] = SideFeatures.withAgeGroups(users));
        assertEquals("unknown", out[0].stringColumn("ageGroup").get(1));
        assertEquals("25-34", out[0].stringColumn("ageGroup").get(0));
        assertTrue(
                printed.contains("withAgeGroups: 1 of 2 users of users have no age; their ageGroup is 'unknown'."),
                printed);
    }
}
