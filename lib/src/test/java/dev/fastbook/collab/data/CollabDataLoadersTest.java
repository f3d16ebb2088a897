package dev.fastbook.collab.data;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.model.EmbSz;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CollabDataLoadersTest {
    @Test
    void movieLensVocabulariesAndSplitMatchFastai() {
        assumeTrue(Fixtures.ml100k() != null, "FASTBOOK_DATA is not set");
        Table ratings = MovieLens.ratings().joinOn("movie").inner(MovieLens.movies());
        var dls = CollabDataLoaders.from(ratings).itemName("title").bs(64).seed(42).build();
        assertEquals(944, dls.users().size());
        assertEquals(1665, dls.items().size());
        assertEquals("#na#", dls.items().get(0));
        assertEquals(80000, dls.trainSize());
        assertEquals(20000, dls.validSize());
        assertEquals(1250, dls.trainBatches());
        assertEquals(313, dls.validBatches());
        assertEquals(List.of(new EmbSz(944, 74), new EmbSz(1665, 102)), dev.fastbook.collab.train.CollabLearner.getEmbSz(dls));
        assertEquals(List.of("user", "title"), List.copyOf(dls.classes().keySet()));
        try (Batch b = dls.oneBatch()) {
            assertArrayEquals(new long[] {64, 2}, b.x().getShape().getShape());
            assertArrayEquals(new long[] {64, 1}, b.y().getShape().getShape());
        }
        Table shown = dls.showBatch();
        assertEquals(10, shown.rowCount());
        assertEquals(List.of("user", "title", "rating"), shown.columnNames());
    }

    @Test
    void vocabularyIsSortedWithNaFirstAndUnknownsMapToZero() {
        Table t = Table.create("r", IntColumn.create("user", 10, 2, 10, 1), StringColumn.create("title", "b", "a", "c", "b"),
                DoubleColumn.create("rating", 1, 2, 3, 4));
        var dls = CollabDataLoaders.from(t).validPct(0.25).bs(1).seed(0).build();
        assertEquals("#na#", dls.items().get(0));
        assertEquals(List.of("#na#", "a", "b", "c"), dls.items());
        assertEquals(0, dls.items().indexOf("zzz"));
        // users are numbers: sorted numerically, from the training rows only
        List<String> users = dls.users();
        assertEquals("#na#", users.get(0));
        for (int i = 2; i < users.size(); i++) {
            assertTrue(Integer.parseInt(users.get(i - 1)) < Integer.parseInt(users.get(i)));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> dls.items().require("zzz"));
        assertTrue(e.getMessage().contains("not in the title vocabulary"), e.getMessage());
        // users come from the training rows only: that lookup says a user may be only in the validation set
        var eu = assertThrows(IllegalArgumentException.class, () -> dls.users().requireFromTraining("999"));
        assertTrue(eu.getMessage().contains("only in the validation set"), eu.getMessage());
    }

    @Test
    void badInputGetsClearErrors() {
        Table empty = Table.create("r", IntColumn.create("user"), StringColumn.create("title"), DoubleColumn.create("rating"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CollabDataLoaders.from(empty).build())
                .getMessage().contains("empty"));

        Table nan = Table.create("r", IntColumn.create("user", 1, 2), StringColumn.create("title", "a", "b"),
                DoubleColumn.create("rating", 1, Double.NaN));
        var e = assertThrows(IllegalArgumentException.class, () -> CollabDataLoaders.from(nan).bs(1).build());
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());

        DoubleColumn missing = DoubleColumn.create("rating", 1, 2);
        missing.setMissing(0);
        Table miss = Table.create("r", IntColumn.create("user", 1, 2), StringColumn.create("title", "a", "b"), missing);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CollabDataLoaders.from(miss).bs(1).build())
                .getMessage().contains("missing"));

        Table small = Fixtures.synthetic(5, 5, 1.0, 1);
        var big = assertThrows(IllegalArgumentException.class, () -> CollabDataLoaders.from(small).bs(64).build());
        assertTrue(big.getMessage().contains("Batch size 64"), big.getMessage());

        var col = assertThrows(IllegalArgumentException.class, () -> CollabDataLoaders.from(small).itemName("movie").build());
        assertTrue(col.getMessage().contains("No column 'movie'"), col.getMessage());
    }
}
