package dev.fastbook.collab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.fastbook.collab.model.Layers;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.core.Tensors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AdamTest {
    static class Quadratic extends Module {
        Parameter w = Layers.parameter(Tensors.manager().create(new float[] {1f, -2f, 3f}));
        Parameter bias = Layers.parameter(Tensors.manager().create(new float[] {0.5f}));

        @Override
        public NDArray forward(NDArray x) {
            return w.getArray().mul(x).sum().add(bias.getArray());
        }
    }

    private static void backward(Module m, float[] x) {
        try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray out = m.forward(Tensors.manager().create(x));
            gc.backward(out);
        }
    }

    @Test
    void twoStepsMatchAHandComputationOfFastaisAdam() {
        Quadratic m = new Quadratic();
        Adam adam = new Adam(m);
        float[] x = {2f, 3f, -1f}; // d(out)/dw = x, d(out)/dbias = 1
        double lr = 0.1, mom = 0.9, wd = 0.5;
        double[] p = {1, -2, 3};
        double[] gAvg = new double[3], s = new double[3];
        double bias = 0.5, bAvg = 0, bS = 0;
        for (int step = 1; step <= 2; step++) {
            backward(m, x);
            adam.step(lr, mom, wd);
            double d1 = 1 - Math.pow(mom, step), d2 = 1 - Math.pow(0.99, step);
            for (int i = 0; i < 3; i++) {
                p[i] *= 1 - lr * wd;
                gAvg[i] = mom * gAvg[i] + (1 - mom) * x[i];
                s[i] = 0.99 * s[i] + 0.01 * x[i] * x[i];
                p[i] -= lr / d1 * gAvg[i] / (Math.sqrt(s[i] / d2) + 1e-5);
            }
            // a parameter named `bias` is not decayed, as fastai skips `.bias`
            bAvg = mom * bAvg + (1 - mom);
            bS = 0.99 * bS + 0.01;
            bias -= lr / d1 * bAvg / (Math.sqrt(bS / d2) + 1e-5);
        }
        float[] got = m.w.getArray().toFloatArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(p[i], got[i], 1e-6, "w[" + i + "]");
        }
        assertEquals(bias, m.bias.getArray().toFloatArray()[0], 1e-6);
        assertEquals(2, adam.steps());
        assertEquals(gAvg[0], adam.state("w")[0][0], 1e-6);
        assertEquals(s[1], adam.state("w")[1][1], 1e-6);
        assertTrue(adam.describe().contains("bias (no weight decay)"), adam.describe().toString());
        // gradients were cleared after the step
        assertArrayEquals(new float[3], m.w.getArray().getGradient().toFloatArray());
    }
}
