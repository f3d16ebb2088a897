package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.core.Tensors;
import java.util.Random;

/** A fully connected layer, {@code y = x W^T + b}, with PyTorch's default initialisation. */
public class Linear extends Module {
    /** The trainable table, a DJL {@link Parameter}; {@link #weight()} gives its array. */
    public final Parameter weight;

    public final Parameter bias;
    private final int in;
    private final int out;

    /** Weights and bias uniform in (-1/sqrt(in), 1/sqrt(in)), as {@code nn.Linear} does. */
    public Linear(int in, int out, boolean withBias) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException(
                    "A linear layer needs at least 1 input and 1 output, got in " + in + ", out " + out + ".");
        }
        this.in = in;
        this.out = out;
        double bound = 1 / Math.sqrt(in);
        weight = Layers.parameter("weight", Parameter.Type.WEIGHT, uniform(bound, out, in));
        bias = withBias ? Layers.parameter("bias", Parameter.Type.BIAS, uniform(bound, out)) : null;
    }

    private static NDArray uniform(double bound, long... shape) {
        Shape s = new Shape(shape);
        float[] v = new float[Math.toIntExact(s.size())];
        Random r = Tensors.random();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        }
        return Tensors.manager().create(v, s);
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray y = x.matMul(weight.getArray().transpose());
        return bias == null ? y : y.add(bias.getArray());
    }

    /** The weight matrix, {@code out x in}. */
    public NDArray weight() {
        return weight.getArray();
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias != null ? "True" : "False");
    }
}
