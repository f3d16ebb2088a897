package dev.fastbook.collab.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The optimiser's access to tensor memory from Java: whether a tensor's memory can be read and
 * written in place, a view of it, a parameter's gradient, and copies of small tensors into reused
 * Java arrays. All reaching into DJL and PyTorch is here.
 */
final class TensorMemory {
    private TensorMemory() {}

    /**
     * Whether the array is a contiguous float32 tensor in CPU memory: then DJL's direct buffer is a
     * view of its memory. (For another layout DJL hands out a buffer over a contiguous copy, and
     * for a GPU tensor over a copy in CPU memory: writes there would be lost.)
     */
    static boolean writable(NDArray a) {
        return a.getDataType() == DataType.FLOAT32
                && "cpu".equals(a.getDevice().getDeviceType())
                && !a.isSparse()
                && contiguous(a);
    }

    /** The tensor's own memory (DJL returns a direct view for a contiguous CPU tensor). */
    static FloatBuffer floats(NDArray a) {
        ByteBuffer bytes = a.toByteBuffer(true);
        if (!bytes.isDirect()) {
            throw new IllegalStateException("Expected direct access to a CPU tensor's memory");
        }
        return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The parameter's gradient, or null when backward never reached it (PyTorch's grad is None). */
    static NDArray gradient(NDArray w) {
        if (!w.hasGradient()) {
            return null;
        }
        if (w instanceof PtNDArray pt) {
            return JniUtils.getGradient(pt); // null while undefined
        }
        return w.getGradient();
    }

    /** The first n floats of a (any floating type) into out. */
    static void copyFloats(NDArray a, float[] out, int n) {
        ByteBuffer bytes = a.getDataType() == DataType.FLOAT32 ? a.toByteBuffer(true) : null;
        if (bytes != null && bytes.isDirect()) {
            bytes.order(ByteOrder.nativeOrder()).asFloatBuffer().get(0, out, 0, n);
        } else {
            System.arraycopy(a.toType(DataType.FLOAT32, false).toFloatArray(), 0, out, 0, n);
        }
    }

    /** Integer indices as longs into out, through DJL's direct buffer (toLongArray copies twice). */
    static void copyLongs(NDArray indices, long[] out) {
        int n = Math.toIntExact(indices.size());
        NDArray a = indices.getDataType() == DataType.INT64 ? indices : indices.toType(DataType.INT64, false);
        ByteBuffer bytes = a.toByteBuffer(true);
        if (bytes.isDirect()) {
            bytes.order(ByteOrder.nativeOrder()).asLongBuffer().get(0, out, 0, n);
        } else {
            System.arraycopy(a.toLongArray(), 0, out, 0, n);
        }
        if (a != indices) {
            a.close();
        }
    }

    private static volatile Method isContiguous;
    private static volatile Object library;

    // PyTorch's is_contiguous: DJL keeps it in a package-private class, so it is reached by
    // reflection; if that ever fails, every parameter takes the tensor path (slower, still right).
    private static boolean contiguous(NDArray a) {
        if (!(a instanceof PtNDArray pt)) {
            return false;
        }
        try {
            if (isContiguous == null) {
                Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
                Field f = lib.getDeclaredField("LIB");
                f.setAccessible(true);
                Method m = lib.getDeclaredMethod("torchIsContiguous", long.class);
                m.setAccessible(true);
                library = f.get(null);
                isContiguous = m;
            }
            return (Boolean) isContiguous.invoke(library, pt.getHandle());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
