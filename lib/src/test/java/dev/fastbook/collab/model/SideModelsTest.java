package dev.fastbook.collab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.core.Vocab;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class SideModelsTest {
    private static final Vocab USERS = Vocab.of("user", List.of(1, 2, 3));
    private static final Vocab ITEMS = Vocab.of("movie", List.of(10, 20));

    // user 3 has no row in the side table; movie 20 has no genre
    private static SideFeatures side() {
        Table users = Table.create(
                "users",
                IntColumn.create("user", 1, 2),
                IntColumn.create("age", 20, 40),
                StringColumn.create("gender", "F", "M"),
                StringColumn.create("occupation", "writer", "writer"));
        Table genres = Table.create(
                "genres",
                IntColumn.create("movie", 10, 20),
                IntColumn.create("Drama", 1, 0),
                IntColumn.create("Comedy", 1, 0));
        return SideFeatures.of(USERS, ITEMS)
                .userCategories(users, "user", "gender", "occupation")
                .userContinuous(users, "user", "age")
                .itemFlags(genres, "movie", "Drama", "Comedy");
    }

    @Test
    void sideColumnsAreIndexedLikeTheEmbeddings() {
        SideFeatures s = side();
        assertEquals(List.of("gender", "occupation", "age", "Drama", "Comedy"), s.names());
        // #na#, user 1 (F), user 2 (M), user 3 (not in the table): category 0
        assertArrayEquals(new int[] {0, 1, 2, 0}, s.userCats.get(0).codes());
        assertArrayEquals(new int[] {0, 1, 1, 0}, s.userCats.get(1).codes());
        // ages 20 and 40 normalised to -1 and 1; unknown ages become the mean, 0
        assertArrayEquals(new float[] {0, -1, 1, 0}, s.userCont.get(0), 1e-5f);
        assertArrayEquals(new float[] {0, 1, 0}, s.itemFlags.get(0));
    }

    @Test
    void aMissingColumnSaysWhichColumnsThereAre() {
        Table users = Table.create("users", IntColumn.create("user", 1));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SideFeatures.of(USERS, ITEMS).userCategories(users, "user", "zip"));
        assertTrue(e.getMessage().contains("no column 'zip'") && e.getMessage().contains("[user]"), e.getMessage());
    }

    @Test
    void bothModelsScoreUserItemRowsInTheRange() {
        Tensors.seed(1);
        YRange range = new YRange(0, 5.5);
        List<Module> models =
                List.of(new DotBiasSide(8, side(), range), TabularModel.withSide(side(), new int[] {16, 8}, range));
        for (Module m : models) {
            m.eval();
            try (NDManager nd = Tensors.manager().newSubManager()) {
                float[] out = m.forward(nd.create(new long[] {1, 1, 2, 2, 3, 1, 0, 0}, new Shape(4, 2)))
                        .toFloatArray();
                assertEquals(4, out.length, m.getClass().getSimpleName());
                for (float v : out) {
                    assertTrue(v > 0 && v < 5.5, m.getClass().getSimpleName() + " gave " + v);
                }
            }
        }
        // the dot product: user, item and both biases, plus one embedding per user category and the flags' linear map
        assertEquals(4 + 2 + 1, new DotBiasSide(8, side(), range).parameters().size());
    }
}
