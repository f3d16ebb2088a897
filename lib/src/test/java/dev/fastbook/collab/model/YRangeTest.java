package dev.fastbook.collab.model;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class YRangeTest {
    @Test
    void suggestedRangesContainTheData() {
        assertEquals(YRange.of(0, 5.5), YRange.containing(1, 5), "fastai's choice for 1-5 stars");
        assertEquals(YRange.of(0, 5.5), YRange.containing(0.5, 5), "half stars");
        assertEquals(YRange.of(-2, 6), YRange.containing(-1, 5), "the issue's ratings from -1");
        assertEquals(YRange.of(-0.5, 1.5), YRange.containing(0, 1));
        assertEquals(YRange.of(0, 11), YRange.containing(1, 10));
        for (double[] data : new double[][] {{-1, 5}, {0, 1}, {3, 3}, {-100, -20}, {0.2, 0.9}, {1, 100}}) {
            YRange r = YRange.containing(data[0], data[1]);
            assertTrue(r.lo() < data[0] && r.hi() > data[1], r + " strictly contains " + data[0] + ".." + data[1]);
            assertTrue(r.contains(data[0], data[1]));
        }
        assertThrows(IllegalArgumentException.class, () -> YRange.containing(5, 1));
        assertThrows(IllegalArgumentException.class, () -> YRange.containing(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> YRange.of(0, Double.POSITIVE_INFINITY));
        assertFalse(YRange.of(0, 5.5).contains(-1, 5));
    }

    @Test
    void theScalarSquashMatchesTheTensorOneAndItsSlope() {
        YRange r = YRange.of(1, 3);
        float[] t = Layers.sigmoidRange(
                        dev.fastbook.collab.core.Tensors.manager().create(new float[] {-2f, 0f, 0.7f}), 1, 3)
                .toFloatArray();
        assertEquals(t[0], r.squash(-2), 1e-6);
        assertEquals(2.0, r.squash(0), 0);
        assertEquals(t[2], r.squash(0.7), 1e-6);
        double h = 1e-6;
        for (double s : new double[] {-3, 0, 0.7, 4}) {
            double numeric = (r.squash(s + h) - r.squash(s - h)) / (2 * h);
            assertEquals(numeric, r.slopeAt(r.squash(s)), 1e-8);
        }
    }
}
