package dev.fastbook.collab.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The one place that owns DJL: the engine settings, the manager that holds model parameters, and
 * the random generator behind every initialisation (so {@link #seed(long)} makes runs repeatable,
 * like {@code torch.manual_seed}).
 */
public final class Tensors {
    private static NDManager manager;
    private static Device device;
    private static Random random = new Random();

    private Tensors() {}

    /**
     * The long-lived manager that holds parameters and optimiser state, on {@link #device()}: models
     * and batches made through it follow the one device choice.
     */
    public static synchronized NDManager manager() {
        if (manager == null) {
            configureEngine();
            manager = NDManager.newBaseManager(device(), "PyTorch");
        }
        return manager;
    }

    /**
     * The device models and batches live on: the one set with {@link #device(Device)}, else DJL's
     * best ({@code Engine.defaultDevice()}: the first GPU when PyTorch's CUDA natives and a GPU are
     * there, otherwise the CPU).
     */
    public static synchronized Device device() {
        if (device == null) {
            configureEngine();
            device = Engine.getEngine("PyTorch").defaultDevice();
        }
        return device;
    }

    /**
     * Chooses the device for everything this library creates, e.g. {@code Tensors.device(Device.gpu())}
     * or {@code Device.cpu()}. Call it before the first model, batch or seed: arrays already made
     * cannot follow, so a later different choice is an error.
     */
    public static synchronized void device(Device choice) {
        if (choice == null) {
            throw new IllegalArgumentException("device must not be null; use Device.cpu() or Device.gpu()");
        }
        if (manager != null && !choice.equals(manager.getDevice())) {
            throw new IllegalStateException("Tensors.device(" + choice + ") came after arrays were created on "
                    + manager.getDevice() + ": call it first, before building a model, loaders or seeding"
                    + " (in a notebook: restart the kernel and run it in the first cell).");
        }
        device = choice;
    }

    /** Whether operations are being recorded for backward (inside a GradientCollector). */
    public static boolean isGradMode() {
        manager();
        return JniUtils.isGradMode();
    }

    /** Seeds every initialisation this library does and DJL's own generator. */
    public static synchronized void seed(long seed) {
        random = new Random(seed);
        manager();
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    }

    /** The generator used for parameter initialisation. */
    public static synchronized Random random() {
        return random;
    }

    // Set before the engine loads: never reach for the network, and one intra-op thread: the per-batch
    // ops are small, and the optimiser runs its own threads beside them (environment/BENCHMARKS.md).
    private static void configureEngine() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static final Map<Float, NDArray> CONSTANTS = new HashMap<>();

    /**
     * A float scalar that lives as long as the library. Creating a scalar per call costs more than
     * the op that uses it, and freeing it right after use can corrupt a later backward pass (it is
     * what DJL's {@code mul(Number)} does), so constants are made once and kept.
     */
    public static synchronized NDArray constant(double value) {
        return CONSTANTS.computeIfAbsent((float) value, v -> {
            NDArray c = manager().create(v.floatValue());
            NDScope.unregister(c);
            return c;
        });
    }

    /** Runs {@code work} without recording autograd history (PyTorch's {@code torch.no_grad()}). */
    public static <T> T noGrad(Supplier<T> work) {
        manager();
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return work.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }

    /** Overwrites {@code target} in place with {@code source}'s values and closes {@code source}. */
    public static void copyInto(NDArray source, NDArray target) {
        noGrad(() -> {
            target.set(source.toByteBuffer());
            return null;
        });
        source.close();
    }

    /** A 2-D float array's rows as Java arrays (e.g. an embedding's factors, for interpretation). */
    public static float[][] toMatrix(NDArray a) {
        long[] shape = a.getShape().getShape();
        if (shape.length != 2) {
            throw new IllegalArgumentException("Expected a 2-D array, got shape " + a.getShape());
        }
        int rows = Math.toIntExact(shape[0]);
        int cols = Math.toIntExact(shape[1]);
        float[] flat = a.toFloatArray();
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    /** A float tensor of ones, e.g. {@code ones(3)}. */
    public static NDArray ones(long... shape) {
        return manager().ones(new Shape(shape));
    }

    /** A float tensor of zeros. */
    public static NDArray zeros(long... shape) {
        return manager().zeros(new Shape(shape));
    }

    /** A float tensor drawn from N(0, 1) with the library's seeded generator. */
    public static NDArray randn(long... shape) {
        return normal(0, 1, shape);
    }

    /** A float tensor drawn from N(mean, std) with the library's seeded generator. */
    public static NDArray normal(double mean, double std, long... shape) {
        Shape s = new Shape(shape);
        float[] values = new float[Math.toIntExact(s.size())];
        Random r = random();
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (mean + std * r.nextGaussian());
        }
        return manager().create(values, s);
    }

    /** A float vector of length {@code size} with a single 1 at {@code index} (fastai's one_hot). */
    public static NDArray oneHot(int index, int size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("index " + index + " is outside 0.." + (size - 1));
        }
        float[] v = new float[size];
        v[index] = 1f;
        return manager().create(v);
    }
}
