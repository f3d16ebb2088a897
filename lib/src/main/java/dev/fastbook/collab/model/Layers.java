package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.core.Tensors;

/**
 * The building blocks a notebook cell reaches for ({@code import static
 * dev.fastbook.collab.model.Layers.*;}): fastai's {@code Embedding}, {@code create_params},
 * {@code sigmoid_range} and friends.
 */
public final class Layers {
    private Layers() {}

    /** fastai's {@code Embedding(n, f)}: truncated-normal init with std 0.01. */
    public static Embedding embedding(int n, int f) {
        return new Embedding(n, f);
    }

    /** The chapter's {@code create_params}: a new parameter of the given shape drawn from N(0, 0.01). */
    public static Parameter createParams(long... shape) {
        return parameter("param", Parameter.Type.WEIGHT, Tensors.normal(0, 0.01, shape));
    }

    /** Wraps an array as a trainable parameter, like {@code nn.Parameter(t)}. */
    public static Parameter parameter(NDArray array) {
        return parameter("param", Parameter.Type.WEIGHT, array);
    }

    static Parameter parameter(String name, Parameter.Type type, NDArray array) {
        array.setRequiresGradient(true);
        return Parameter.builder()
                .setName(name)
                .setType(type)
                .optArray(array)
                .optRequiresGrad(true)
                .build();
    }

    /** State saved with the model but never trained (BatchNorm's running statistics). */
    static Parameter buffer(String name, Parameter.Type type, NDArray array) {
        return Parameter.builder()
                .setName(name)
                .setType(type)
                .optArray(array)
                .optRequiresGrad(false)
                .build();
    }

    /** {@code nn.Linear(in, out, bias)} with PyTorch's default initialisation. */
    public static Linear linear(int in, int out, boolean bias) {
        return new Linear(in, out, bias);
    }

    /** {@code nn.Linear(in, out)}: with a bias. */
    public static Linear linear(int in, int out) {
        return new Linear(in, out, true);
    }

    /** {@code nn.ReLU()}. */
    public static Module relu() {
        return new ReLU();
    }

    /** {@code nn.Sequential(...)}. */
    public static Sequential sequential(Module... layers) {
        return new Sequential(layers);
    }

    /** Squashes x into (lo, hi): {@code sigmoid(x) * (hi - lo) + lo}. */
    public static NDArray sigmoidRange(NDArray x, double lo, double hi) {
        YRange.of(lo, hi); // the same checks, said once; YRange.squash is the scalar twin
        return x.getNDArrayInternal().sigmoid().mul(Tensors.constant(hi - lo)).add(Tensors.constant(lo));
    }

    /** fastai's {@code SigmoidRange} layer. */
    public static Module sigmoidRange(double lo, double hi) {
        return new SigmoidRange(lo, hi);
    }

    /** fastai's rule of thumb for an embedding's width: {@code min(600, round(1.6 * n^0.56))}. */
    public static int embSzRule(int n) {
        // Python's round() rounds halves to even: Math.rint, not Math.round.
        return (int) Math.min(600, Math.rint(1.6 * Math.pow(n, 0.56)));
    }

    static final class ReLU extends Module {
        @Override
        public NDArray forward(NDArray x) {
            return x.getNDArrayInternal().relu();
        }
    }

    static final class SigmoidRange extends Module {
        private final double lo;
        private final double hi;

        SigmoidRange(double lo, double hi) {
            YRange.of(lo, hi);
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        public NDArray forward(NDArray x) {
            return sigmoidRange(x, lo, hi);
        }

        @Override
        public String toString() {
            return "SigmoidRange(low=" + lo + ", high=" + hi + ")";
        }
    }
}
