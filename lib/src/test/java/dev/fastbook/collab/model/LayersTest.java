package dev.fastbook.collab.model;

import static dev.fastbook.collab.model.Layers.*;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.core.Tensors;
import org.junit.jupiter.api.Test;

class LayersTest {
    @Test
    void sigmoidRangeMapsIntoTheRange() {
        NDArray x = Tensors.manager().create(new float[] {-100f, 0f, 100f});
        float[] y = sigmoidRange(x, 0, 5.5).toFloatArray();
        assertEquals(0f, y[0], 1e-4);
        assertEquals(2.75f, y[1], 1e-6);
        assertEquals(5.5f, y[2], 1e-4);
        float[] z =
                sigmoidRange(Tensors.manager().create(new float[] {1f}), 1, 3).toFloatArray();
        assertEquals(1 + 2 / (1 + Math.exp(-1)), z[0], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> sigmoidRange(x, 5, 5));
    }

    @Test
    void embeddingSizesFollowFastaisRule() {
        assertEquals(74, embSzRule(944));
        assertEquals(102, embSzRule(1665));
        assertEquals(600, embSzRule(10_000_000));
        assertEquals(new EmbSz(944, 74), EmbSz.of(944));
    }

    @Test
    void embeddingInitIsATruncatedNormalWithStd001() {
        Tensors.seed(1);
        float[] w = embedding(1000, 50).weight().toFloatArray();
        double sum = 0, sq = 0, max = 0;
        for (float v : w) {
            sum += v;
            sq += v * v;
            max = Math.max(max, Math.abs(v));
        }
        double mean = sum / w.length;
        double std = Math.sqrt(sq / w.length - mean * mean);
        assertEquals(0, mean, 1e-3);
        assertTrue(std > 0.0085 && std < 0.0100, "std " + std);
        assertTrue(max < 0.02, "fmod(2) * 0.01 keeps values inside (-0.02, 0.02), got " + max);
    }

    @Test
    void createParamsDrawsFromNormal001AndIsTrainable() {
        Tensors.seed(2);
        Parameter p = createParams(500, 40);
        float[] w = p.getArray().toFloatArray();
        double sq = 0;
        for (float v : w) {
            sq += v * v;
        }
        assertEquals(0.01, Math.sqrt(sq / w.length), 5e-4);
        assertTrue(p.requiresGradient());
        assertArrayEquals(new long[] {500, 40}, p.getArray().getShape().getShape());
    }

    @Test
    void seedMakesInitialisationRepeatable() {
        Tensors.seed(7);
        float[] a = embedding(10, 3).weight().toFloatArray();
        Tensors.seed(7);
        float[] b = embedding(10, 3).weight().toFloatArray();
        assertArrayEquals(a, b);
    }

    @Test
    void oneHotTimesFactorsEqualsIndexing() {
        Tensors.seed(3);
        NDArray factors = Tensors.randn(20, 5);
        NDArray viaMatMul = factors.transpose().matMul(Tensors.oneHot(3, 20));
        assertArrayEquals(factors.get(3).toFloatArray(), viaMatMul.toFloatArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Tensors.oneHot(20, 20));
    }
}
