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
            float got = Bpr.loss().apply(margins, m.zeros(new ai.djl.ndarray.types.Shape(5, 1))).toFloatArray()[0];
            assertEquals(expected, got, 1e-4);
        }
    }

    @Test
    void forwardIsPositiveScoreMinusNegativeScore() {
        Tensors.seed(5);
        EmbeddingDotBias dot = new EmbeddingDotBias(4, 3, 6, null);
        Bpr<EmbeddingDotBias> bpr = new Bpr<>(dot);
        try (NDManager m = Tensors.manager().newSubManager()) {
            float[] margin = bpr.forward(m.create(new long[] {1, 2, 4, 2, 3, 5}, new ai.djl.ndarray.types.Shape(2, 3))).toFloatArray();
            float[] s = dot.forward(m.create(new long[] {1, 2, 1, 4, 2, 3, 2, 5}, new ai.djl.ndarray.types.Shape(4, 2))).toFloatArray();
            assertEquals(s[0] - s[1], margin[0], 1e-6);
            assertEquals(s[2] - s[3], margin[1], 1e-6);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> bpr.forward(m.create(new long[] {1, 2}, new ai.djl.ndarray.types.Shape(1, 2))))
                    .getMessage().contains("[user, positive, negative]"));
        }
        assertEquals(4, bpr.parameters().size()); // the wrapped model's parameters, nothing else
    }

    @Test
    void badLoaderInputSaysWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BprDataLoader(USERS, new int[] {1}, 6, known(), 2, true, 1))
                .getMessage().contains("3 users for 1 items"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BprDataLoader(new int[0], new int[0], 6, known(), 2, true, 1))
                .getMessage().contains("No positive pairs"));
    }
}
