package dev.fastbook.collab.implicit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.eval.RankingTask;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class PositivesTest {
    // who bought what: no rating column
    private static Table orders() {
        return Table.create(
                "orders",
                StringColumn.create("customer", "ann", "ann", "ann", "bob", "bob", "cy", "cy", "ann"),
                StringColumn.create("product", "tea", "milk", "bread", "tea", "milk", "bread", "jam", "tea"));
    }

    @Test
    void pairsBecomeOnesAndRepeatsCountOnce() {
        Table t = Positives.of(orders(), "customer", "product");
        assertEquals(7, t.rowCount());
        assertEquals(java.util.List.of("customer", "product", Positives.COLUMN), t.columnNames());
        assertEquals(7.0, t.doubleColumn(Positives.COLUMN).sum());
    }

    @Test
    void theItemModelsAndBprTrainOnThem() {
        var dls = CollabDataLoaders.from(Positives.of(orders(), "customer", "product"))
                .userName("customer")
                .itemName("product")
                .ratingName(Positives.COLUMN)
                .valid(Table.create(
                        "none",
                        StringColumn.create("customer", "bob"),
                        StringColumn.create("product", "bread"),
                        DoubleColumn.create(Positives.COLUMN, 1.0)))
                .bs(2)
                .seed(1)
                .build();
        Interactions x = Interactions.of(dls);
        assertEquals(7, java.util.Arrays.stream(x.userCounts()).sum());
        // bob bought tea and milk, as ann did; ann also bought bread, so bread is bob's first unbought item
        var task = RankingTask.of(dls);
        assertEquals(
                java.util.List.of("bread", "jam"),
                task.topK("bob", Ease.fit(x, 1).scores(), 2));
        assertEquals(
                "bread", task.topK("bob", Rp3Beta.fit(x, 1, 0, 10).scores(), 1).get(0));
        assertEquals(7, BprDataLoaders.from(dls, 2, 1).train().n());
    }

    @Test
    void aThresholdTurnsRatingsIntoPositives() {
        Table ratings = Table.create(
                "ratings",
                StringColumn.create("user", "a", "a", "b"),
                StringColumn.create("movie", "x", "y", "x"),
                DoubleColumn.create("rating", 5.0, 3.0, 4.0));
        Table liked = Positives.atLeast(ratings, "user", "movie", "rating", 4);
        assertArrayEquals(new String[] {"a", "b"}, liked.stringColumn("user").asObjectArray());
        var e = assertThrows(
                IllegalArgumentException.class, () -> Positives.atLeast(ratings, "user", "movie", "rating", 6));
        assertTrue(e.getMessage().contains("lower the threshold"), e.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> Positives.of(ratings, "user", "item"));
        assertTrue(missing.getMessage().contains("No column 'item'"), missing.getMessage());
    }
}
