package dev.fastbook.collab.implicit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.Batch;
import dev.fastbook.collab.model.EmbeddingDotBias;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class BprTest {
    // two users, five items (index 0 is #na#): user 1 rated 1 and 2, user 2 rated 3
    private static final int[] USERS = {1, 1, 2};
    private static final int[] ITEMS = {1, 2, 3};

    private static BitSet[] known() {
        BitSet[] k = {new BitSet(), new BitSet(), new BitSet()};
        for (int i = 0; i < USERS.length; i++) {
            k[USERS[i]].set(ITEMS[i]);
        }
        return k;
    }

    @Test
    void negativesAreNeverRatedNorNa() {
        BprDataLoader train = new BprDataLoader(USERS, ITEMS, 6, known(), 2, true, 1);
        assertEquals(1, train.size()); // the last partial batch is dropped when training
        for (int epoch = 0; epoch < 200; epoch++) {
            for (Batch b : train) {
                try (b) {
                    assertEquals(3, b.x().getShape().get(1));
                    long[] x = b.x().toLongArray();
                    for (int r = 0; r < x.length; r += 3) {
                        assertTrue(known()[(int) x[r]].get((int) x[r + 1]), "the positive is a rated item");
                        assertFalse(known()[(int) x[r]].get((int) x[r + 2]), "the negative is not rated");
                        assertTrue(x[r + 2] >= 1 && x[r + 2] <= 5);
                    }
                }
            }
        }
    }

    @Test
    void validationDrawsTheSameNegativesEveryTime() {
        BprDataLoader valid = new BprDataLoader(USERS, ITEMS, 6, known(), 2, false, 3);
        assertEquals(2, valid.size()); // every row
        assertArrayEquals(rows(valid), rows(valid));
        assertEquals(1, valid.withBs(4096).size());
        assertEquals(3, valid.withBs(4096).n());
    }

    private static long[] rows(BprDataLoader l) {
        List<Long> out = new ArrayList<>();
        for (Batch b : l) {
            try (b) {
                for (long v : b.x().toLongArray()) {
                    out.add(v);
                }
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void lossIsMinusMeanLogSigmoidAndStaysFinite() {
        try (NDManager m = Tensors.manager().newSubManager()) {
            NDArray margins = m.create(new float[] {0, 2, -3, 200, -200});
            double expected = 0;
            for (double d : new double[] {0, 2, -3}) {
                expected += -Math.log(1 / (1 + Math.exp(-d)));
            }
            expected = (expected + 0 + 200) / 5;
            float got = Bpr.loss()
                    .apply(margins, m.zeros(new ai.djl.ndarray.types.Shape(5, 1)))
                    .toFloatArray()[0];
            assertEquals(expected, got, 1e-4);
        }
    }

    @Test
    void forwardIsPositiveScoreMinusNegativeScore() {
        Tensors.seed(5);
        EmbeddingDotBias dot = new EmbeddingDotBias(4, 3, 6, null);
        Bpr<EmbeddingDotBias> bpr = new Bpr<>(dot);
        try (NDManager m = Tensors.manager().newSubManager()) {
            float[] margin = bpr.forward(m.create(new long[] {1, 2, 4, 2, 3, 5}, new ai.djl.ndarray.types.Shape(2, 3)))
                    .toFloatArray();
            float[] s = dot.forward(m.create(new long[] {1, 2, 1, 4, 2, 3, 2, 5}, new ai.djl.ndarray.types.Shape(4, 2)))
                    .toFloatArray();
            assertEquals(s[0] - s[1], margin[0], 1e-6);
            assertEquals(s[2] - s[3], margin[1], 1e-6);
            assertTrue(assertThrows(
                            IllegalArgumentException.class,
                            () -> bpr.forward(m.create(new long[] {1, 2}, new ai.djl.ndarray.types.Shape(1, 2))))
                    .getMessage()
                    .contains("[user, positive, negative]"));
        }
        assertEquals(4, bpr.parameters().size()); // the wrapped model's parameters, nothing else
    }

    @Test
    void badLoaderInputSaysWhatIsWrong() {
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new BprDataLoader(USERS, new int[] {1}, 6, known(), 2, true, 1))
                .getMessage()
                .contains("3 users for 1 items"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new BprDataLoader(new int[0], new int[0], 6, known(), 2, true, 1))
                .getMessage()
                .contains("No positive pairs"));
    }

    // ---- hostile input (issue 22) ----

    @Test
    void aUserWhoRatedEveryItemIsReportedAndSkipped() {
        // user 1 rated all five items; user 2 rated item 3 only
        int[] users = {1, 1, 1, 1, 1, 2, 2};
        int[] items = {1, 2, 3, 4, 5, 3, 4};
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        BprDataLoaders dls;
        try {
            dls = BprDataLoaders.of(users, items, new int[] {2}, new int[] {5}, 3, 6, 1, 1);
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(
                printed.contains(
                        "BprDataLoaders: 1 user(s) rated every item (e.g. user index 1), so no item can be drawn as"
                                + " their negative: their 5 training pairs are skipped."),
                printed);
        assertEquals(2, dls.train().n(), "user 2's pairs only");
        for (Batch b : dls.train()) {
            try (b) {
                long[] x = b.x().toLongArray();
                assertEquals(2, x[0]);
                assertTrue(x[2] != 3 && x[2] != 4, "a true negative");
            }
        }
    }

    @Test
    void aBatchSizeThatGivesNoBatchIsRefusedForFitAndLrFind() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> new BprDataLoader(USERS, ITEMS, 6, known(), 4, true, 1));
        assertEquals(
                "Batch size 4 gives no training batch: there are 3 positive pairs and the last partial batch is dropped."
                        + " Use a batch size of at most 3.",
                e.getMessage());
        var fromDls = assertThrows(
                IllegalArgumentException.class,
                () -> BprDataLoaders.of(USERS, ITEMS, new int[] {2}, new int[] {4}, 3, 6, 1024, 1));
        assertTrue(fromDls.getMessage().startsWith("Batch size 1024 gives no training batch"), fromDls.getMessage());
    }

    @Test
    void outOfRangeIndicesAreRefusedWithTheirPosition() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> BprDataLoaders.of(new int[] {1, 7}, new int[] {1, 2}, new int[] {1}, new int[] {3}, 3, 6, 1, 1));
        assertEquals(
                "trainUsers[1] is 7, outside 1..2 (nUsers = 3, #na# at 0): give vocabulary indices, e.g."
                        + " dls.users().indexOf(user).",
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> BprDataLoaders.of(USERS, ITEMS, new int[] {1}, new int[] {-1}, 3, 6, 1, 1));
        assertTrue(e.getMessage().startsWith("validItems[0] is -1, outside 1..5"), e.getMessage());
    }

    @Test
    void validationPairsThatAreAllNaAreRefusedWithTheReason() {
        var train = tech.tablesaw.api.Table.create(
                "train",
                tech.tablesaw.api.IntColumn.create("user", 1, 1, 2, 2),
                tech.tablesaw.api.IntColumn.create("item", 1, 2, 2, 3),
                tech.tablesaw.api.DoubleColumn.create("rating", 4, 3, 5, 2));
        var valid = tech.tablesaw.api.Table.create(
                "valid",
                tech.tablesaw.api.IntColumn.create("user", 8, 9),
                tech.tablesaw.api.IntColumn.create("item", 1, 2),
                tech.tablesaw.api.DoubleColumn.create("rating", 4, 3));
        var dls = dev.fastbook.collab.data.CollabDataLoaders.from(train)
                .valid(valid)
                .bs(2)
                .build();
        var e = assertThrows(IllegalArgumentException.class, () -> BprDataLoaders.from(dls, 2, 1));
        assertEquals(
                "No validation pair to rank: all 2 validation rows have a user or item training never saw (#na#), and"
                        + " those are left out. Split so that validation users and items also appear in training, e.g."
                        + " validPctByUser(0.2).",
                e.getMessage());
    }
}
