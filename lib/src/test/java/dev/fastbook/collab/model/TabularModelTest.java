package dev.fastbook.collab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.core.Vocab;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** fastai's TabularModel, the EmbeddingNN written on it, and the side-column model it becomes when fed side columns. */
class TabularModelTest {
    private static final Vocab USERS = Vocab.of("user", List.of(1, 2, 3));
    private static final Vocab ITEMS = Vocab.of("movie", List.of(10, 20));
    private static final long[] ROWS = {1, 1, 2, 2, 3, 1, 0, 0};

    private static SideFeatures side() {
        Table users = Table.create(
                "users",
                IntColumn.create("user", 1, 2),
                IntColumn.create("age", 20, 40),
                StringColumn.create("gender", "F", "M"));
        Table genres = Table.create("genres", IntColumn.create("movie", 10, 20), IntColumn.create("Drama", 1, 0));
        return SideFeatures.of(USERS, ITEMS)
                .userCategories(users, "user", "gender")
                .userContinuous(users, "user", "age")
                .itemFlags(genres, "movie", "Drama");
    }

    private static float[] forward(Module m, long[] rows, int width) {
        m.eval();
        return Tensors.noGrad(() -> {
            try (NDManager nd = Tensors.manager().newSubManager()) {
                return m.forward(nd.create(rows, new Shape(rows.length / width, width)))
                        .toFloatArray();
            }
        });
    }

    @Test
    void embeddingNNIsATabularModelWithNoContinuousColumnsAndOneOutput() {
        List<EmbSz> szs = List.of(new EmbSz(4, 3), new EmbSz(3, 2));
        Tensors.seed(11);
        EmbeddingNN nn = new EmbeddingNN(szs, new int[] {6, 5}, YRange.of(0, 5.5));
        Tensors.seed(11);
        TabularModel tab = new TabularModel(szs, 0, 1, new int[] {6, 5}, YRange.of(0, 5.5));
        assertEquals(
                tab.parameters().stream().map(p -> p.name()).toList(),
                nn.parameters().stream().map(p -> p.name()).toList());
        assertEquals(List.of("embeds", "layers"), nn.getChildren().keys(), "no bn_cont without continuous columns");
        assertArrayEquals(forward(tab, ROWS, 2), forward(nn, ROWS, 2));
        assertEquals(0, nn.nCont());
    }

    @Test
    void continuousColumnsGoThroughBatchNormBeforeTheHead() {
        Tensors.seed(2);
        TabularModel m = new TabularModel(List.of(new EmbSz(5, 3)), 2, 3, new int[] {4}, null);
        assertTrue(m.toString().contains("(bnCont): BatchNorm1d(2"), m.toString());
        assertTrue(
                m.toString().contains("Linear(in_features=5, out_features=4, bias=False)"),
                "3 factors and 2 values in");
        m.eval();
        try (NDManager nd = Tensors.manager().newSubManager()) {
            NDArray cat = nd.create(new long[] {1, 4}, new Shape(2, 1));
            NDArray out = Tensors.noGrad(() -> m.forward(cat, nd.create(new float[] {0, 0, 1, 1}, new Shape(2, 2))));
            assertEquals(new Shape(2, 3), out.getShape(), "outSz outputs per row");
            NDArray moved = Tensors.noGrad(() -> m.forward(cat, nd.create(new float[] {0, 0, 5, -5}, new Shape(2, 2))));
            assertArrayEquals(out.get(0).toFloatArray(), moved.get(0).toFloatArray(), "row 0's values did not change");
            assertTrue(Math.abs(out.get(1).toFloatArray()[0] - moved.get(1).toFloatArray()[0]) > 1e-6, "row 1's did");
            var noCont = assertThrows(IllegalStateException.class, () -> m.forward(cat));
            assertTrue(
                    noCont.getMessage().contains("2 continuous columns: call forward(cat, cont)"), noCont.getMessage());
        }
        var none = assertThrows(
                IllegalArgumentException.class, () -> new TabularModel(List.of(), 0, 1, new int[] {4}, null));
        assertTrue(none.getMessage().contains("at least one input column"), none.getMessage());
    }

    @Test
    void theSideModelIsTheTabularModelFedTheSideColumns() {
        Tensors.seed(5);
        TabularModel m = TabularModel.withSide(side(), new int[] {8}, YRange.of(0, 5.5));
        // user, item and gender embeddings (fastai's sizes), then age and the Drama flag as continuous columns
        assertEquals(List.of(EmbSz.of(4), EmbSz.of(3), EmbSz.of(3)), m.embSzs());
        assertEquals(2, m.nCont());
        // what the side-column model before TabularModel (TabularCollab) gave at this seed: the same weights, the same
        // sums
        assertArrayEquals(new float[] {2.409491f, 2.6043565f, 2.5553937f, 2.5607371f}, forward(m, ROWS, 2), 1e-6f);
    }
}
