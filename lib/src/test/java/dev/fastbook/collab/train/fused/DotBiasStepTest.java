package dev.fastbook.collab.train.fused;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.optim.Adam;
import dev.fastbook.collab.train.optim.SparseGradients;
import org.junit.jupiter.api.Test;

class DotBiasStepTest {
    private static final int[] USERS = {1, 2, 1}, ITEMS = {3, 3, 4};
    private static final float[] RATINGS = {4f, 2f, 5f};

    private static float[] weights(EmbeddingDotBias m) {
        return m.uWeight.weight().toFloatArray();
    }

    @Test
    void aStepItCannotShowFiniteChangesNothing() {
        Tensors.seed(3);
        var model = new EmbeddingDotBias(4, 5, 6, YRange.of(0, 5.5));
        var opt = new Adam(model, false, SparseGradients.on(model));
        var step = new DotBiasStep(model, opt, 1);
        step.load();
        float[] before = weights(model);
        float loss = step.forwardBackward(USERS, ITEMS, RATINGS, 3);
        assertTrue(loss > 1, "untrained loss " + loss);
        assertFalse(step.step(1e38, 0.9, 0), "lr/debias overflows a float");
        assertTrue(step.step(1e-2, 0.9, 0.1), "nothing to do: the gradient was dropped, the step is plain decay");
        step.save();
        assertEquals(1, opt.steps());
        float[] after = weights(model);
        for (int k = 0; k < before.length; k++) {
            assertEquals(before[k] * (1 - 1e-2f * 0.1f), after[k], 1e-9, "decay only, element " + k);
        }
    }

    @Test
    void theGradientGoesIntoTheTouchedRowsOnly() {
        Tensors.seed(3);
        var model = new EmbeddingDotBias(4, 5, 6, null);
        var opt = new Adam(model, false, SparseGradients.on(model));
        var step = new DotBiasStep(model, opt, 2);
        step.load();
        float[] before = weights(model);
        step.forwardBackward(USERS, ITEMS, RATINGS, 3);
        assertTrue(step.step(1e-2, 0.9, 0));
        step.save();
        float[] after = weights(model);
        for (int row = 0; row < 5; row++) {
            boolean touched = row == 1 || row == 2;
            for (int j = 0; j < 4; j++) {
                assertEquals(touched, before[row * 4 + j] != after[row * 4 + j], "user row " + row);
            }
        }
    }
}
