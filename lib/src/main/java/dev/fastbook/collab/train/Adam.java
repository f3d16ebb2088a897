package dev.fastbook.collab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.Embedding;
import dev.fastbook.collab.model.Module;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * fastai's Adam, step for step: decoupled weight decay {@code p *= 1 - lr*wd}, then
 * {@code g_avg = mom*g_avg + (1-mom)*g}, {@code s = sqr_mom*s + (1-sqr_mom)*g^2} and
 * {@code p -= lr/(1-mom^t) * g_avg / (sqrt(s/(1-sqr_mom^t)) + eps)}, with sqr_mom 0.99 and eps
 * 1e-5. Normalisation-layer parameters and biases are not decayed.
 *
 * <p><b>Exact mode</b> (the default, fastai's arithmetic): every weight of every parameter that has
 * had a gradient moves every step, as in fastai, where an embedding's gradient is dense (zero for
 * the rows a batch did not use). It runs in Java: one fused pass over the tensors' own memory in
 * chunks that stay in cache, the moving averages as Java arrays, each parameter's range split over
 * two threads (each element's arithmetic is the same however it is split, so results do not
 * depend on the thread count). Embeddings hand over their gradients sparsely (one row per lookup,
 * see {@link Embedding#sparse(boolean)}), summed here per row in lookup order, as PyTorch's dense
 * embedding backward sums them: the same floats, without a full-size gradient to fill, add and
 * clear each batch. (When one table is looked up twice in a forward pass, the two lookups' sums
 * may round differently from PyTorch's.)
 *
 * <p><b>Lazy mode</b> ({@code new Adam(model, true)} or {@code learn.lazyUpdates(true)}; opt-in,
 * beyond fastai; PyTorch's {@code SparseAdam} for embeddings): an embedding's step updates only the
 * rows the batch looked up, with their moving averages, so it costs O(batch x factors) instead of
 * O(table). What changes in the arithmetic: a row the batch did not use gets no weight decay and
 * its moving averages stand still (in exact mode {@code g_avg} keeps pushing it with the momentum
 * of earlier batches and {@code s} shrinks); weight decay applies to the used rows only; the bias
 * correction uses the global step count, as SparseAdam does. The two agree bit for bit exactly
 * when every step a row skipped would have left it unchanged in exact mode: wd 0 and zero moving
 * averages, i.e. up to and including a row's first use (so everywhere on the first step). With
 * momentum 0 as well, a skipped row's weight does not move in exact mode either, but its {@code s}
 * shrinks, so the weights agree until a row comes back after skipping a step. Other parameters
 * (Linear, BatchNorm) keep the exact update.
 *
 * <p><b>Other devices and layouts</b>: a parameter that is not a contiguous float32 tensor in CPU
 * memory (on a GPU, say) gets the same arithmetic as tensor operations on its own device, with its
 * moving averages kept there.
 *
 * <p><b>Refusal</b> (issue 9): {@link #step} returns false and leaves every weight, moving average
 * and the step count as they were when the step would make any of them non-finite. It costs
 * nothing extra in the usual case: when finite weights and averages, a finite gradient and
 * bounded settings cannot give a non-finite result (see {@code bounded}), a table is updated in
 * place; otherwise the new averages go to spare arrays and the old weights to a backup first.
 */
public final class Adam {
    public static final double SQR_MOM = 0.99;
    public static final double EPS = 1e-5;
    // Floats per chunk: 256 KB, so one chunk's weights, gradient and two averages stay in L2 while
    // updated (measured: 20% faster per step than 16 KB chunks, and as fast as whole arrays).
    private static final int CHUNK = 65536;
    // Below this size a parameter is not worth handing to a second thread.
    private static final int MIN_SPLIT = 1 << 16;

    private static ExecutorService pool;

    private final List<Slot> slots = new ArrayList<>();
    private final boolean lazy;
    private final int threads;
    private final float[][][] scratch; // per thread: chunks of {gradient, weights, g_avg, s}
    private final float[] zeros = new float[CHUNK];
    /** Package-private switch: run the tensor-op path even where the Java path could (tests). */
    boolean forceTensorPath;
    private long step;

    private static final class Slot {
        final String name;
        final Parameter param;
        final boolean decay;
        final Embedding table; // non-null: the weight of an embedding with sparse gradients
        final int size;
        final int cols;
        boolean seen; // fastai skips a parameter until it has a gradient
        float maxAvg; // at least max |gradAvg|: bounds the update of rows without a gradient
        // Java-path state: the moving averages and their double buffers (swapped on commit).
        Chunked gradAvg;
        Chunked sqrAvg;
        Chunked gradAvgNext;
        Chunked sqrAvgNext;
        Chunked backup; // the weights before a staged pass, to restore after a refused step
        int[] rowSlot; // row -> index into the summed row gradients, -1 when unused this step
        int[] rowsBuf; // the rows looked up this step, in order of first use
        float[] sums; // their summed gradients
        float[] leafGrads; // one lookup's gradient rows
        long[] indices; // one lookup's indices
        // Tensor-path state, on the parameter's device.
        NDArray gradAvgT;
        NDArray sqrAvgT;

        Slot(String name, Parameter param, boolean decay, Embedding table, int size, int cols) {
            this.name = name;
            this.param = param;
            this.decay = decay;
            this.table = table;
            this.size = size;
            this.cols = cols;
            this.gradAvg = new Chunked(size);
            this.sqrAvg = new Chunked(size);
        }

        // Moving averages as Java arrays (converting from tensors if the last step ran there).
        void toJava() {
            if (gradAvgT != null) {
                gradAvg = Chunked.of(floatsOf(gradAvgT));
                sqrAvg = Chunked.of(floatsOf(sqrAvgT));
                gradAvgT.close();
                sqrAvgT.close();
                gradAvgT = null;
                sqrAvgT = null;
                maxAvg = gradAvg.maxAbs();
            }
        }

        void toTensors(NDArray w) {
            if (gradAvgT == null) {
                NDManager m = w.getManager();
                gradAvgT = keep(m.create(gradAvg.flat(), w.getShape()).toType(w.getDataType(), false), m);
                sqrAvgT = keep(m.create(sqrAvg.flat(), w.getShape()).toType(w.getDataType(), false), m);
                gradAvg = sqrAvg = gradAvgNext = sqrAvgNext = null;
            }
        }

        private static float[] floatsOf(NDArray a) {
            if (a.getDataType() == DataType.FLOAT32) {
                return a.toFloatArray();
            }
            try (NDArray f = a.toType(DataType.FLOAT32, false)) {
                return f.toFloatArray();
            }
        }

        float[][] copy() {
            return gradAvgT != null ? new float[][] {floatsOf(gradAvgT), floatsOf(sqrAvgT)}
                    : new float[][] {gradAvg.flat(), sqrAvg.flat()};
        }
    }

    /**
     * A float array kept in CHUNK-sized pieces, so the update works on one chunk's weights,
     * gradient and moving averages at the same index (see update()).
     */
    private static final class Chunked {
        final float[][] data;
        final int size;

        Chunked(int size) {
            this.size = size;
            data = new float[(size + CHUNK - 1) / CHUNK][];
            for (int k = 0; k < data.length; k++) {
                data[k] = new float[Math.min(CHUNK, size - k * CHUNK)];
            }
        }

        static Chunked of(float[] flat) {
            Chunked c = new Chunked(flat.length);
            c.put(0, flat, 0, flat.length);
            return c;
        }

        float[] flat() {
            float[] out = new float[size];
            get(0, out, 0, size);
            return out;
        }

        // Elements [e, e+len) into dst[at..].
        void get(int e, float[] dst, int at, int len) {
            while (len > 0) {
                int k = e / CHUNK, i = e % CHUNK, n = Math.min(len, CHUNK - i);
                System.arraycopy(data[k], i, dst, at, n);
                e += n;
                at += n;
                len -= n;
            }
        }

        void put(int e, float[] src, int at, int len) {
            while (len > 0) {
                int k = e / CHUNK, i = e % CHUNK, n = Math.min(len, CHUNK - i);
                System.arraycopy(src, at, data[k], i, n);
                e += n;
                at += n;
                len -= n;
            }
        }

        float maxAbs() {
            float max = 0;
            for (float[] d : data) {
                max = Math.max(max, Adam.maxAbs(d));
            }
            return max;
        }
    }

    /** The gradient a slot received this step: the row sums of its lookups and/or a dense gradient. */
    private static final class Grad {
        final Slot slot;
        NDArray dense; // closed after the step
        int[] rows; // sorted rows looked up; null when none
        float[] rowGrads; // rowSlot[r] * cols is row r's summed gradient
        boolean fast;
        boolean inPlace; // updated in place: only the looked-up rows could overflow, and they were checked
        boolean passed; // the staged Java pass ran (weights written, backup kept)
        float maxRowGrad; // max |summed row gradient|
        float[] staged; // lazy: new weights of the rows, committed when the whole step is finite
        float[] stagedAvg;
        float[] stagedSqr;
        NDArray newP; // tensor path: new state, committed when the whole step is finite
        NDArray newAvg;
        NDArray newSqr;
        NDArray rowIndex;

        Grad(Slot slot) {
            this.slot = slot;
        }

        boolean lazyRows(boolean lazy) {
            return lazy && slot.table != null && dense == null;
        }
    }

    /** fastai's Adam (exact mode) over every trainable parameter of {@code model}. */
    public Adam(Module model) {
        this(model, false);
    }

    /**
     * @param lazy true for the opt-in lazy update of embeddings (see the class comment); false for
     *             fastai's exact update
     */
    public Adam(Module model, boolean lazy) {
        this(model, lazy, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    /** With a thread count, for measurements (1 = single-threaded). */
    Adam(Module model, boolean lazy, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.lazy = lazy;
        this.threads = threads;
        this.scratch = new float[threads][][];
        for (int t = 0; t < threads; t++) {
            scratch[t] = new float[][] {new float[CHUNK], new float[CHUNK], new float[CHUNK], new float[CHUNK]};
        }
        Map<Parameter, Embedding> tables = new IdentityHashMap<>();
        findEmbeddings(model, tables);
        for (var named : model.parameters()) {
            Parameter param = named.parameter();
            if (!param.requiresGradient()) {
                continue;
            }
            NDArray w = param.getArray();
            if (!w.getDataType().isFloating()) {
                throw new IllegalArgumentException("Parameter " + named.name() + " is " + w.getDataType()
                        + "; the optimiser trains floating-point parameters.");
            }
            int size = Math.toIntExact(w.size());
            Embedding table = tables.get(param);
            int cols = table != null ? table.factors() : 1;
            if (table != null) {
                table.sparse(true);
            }
            slots.add(new Slot(named.name(), param, decays(named.name(), param), table, size, cols));
        }
    }

    private static void findEmbeddings(Block block, Map<Parameter, Embedding> out) {
        if (block instanceof Embedding e) {
            out.put(e.weight, e);
        }
        for (var child : block.getChildren()) {
            findEmbeddings(child.getValue(), out);
        }
    }

    // fastai skips normalisation-layer parameters and modules' `.bias` (Linear biases, or a
    // parameter field named exactly `bias`); embeddings, even bias embeddings, are decayed.
    private static boolean decays(String name, Parameter p) {
        Parameter.Type t = p.getType();
        return !(t == Parameter.Type.BIAS || t == Parameter.Type.GAMMA || t == Parameter.Type.BETA || name.equals("bias"));
    }

    /** Whether this optimiser updates embeddings lazily (only the rows a batch used). */
    public boolean isLazy() {
        return lazy;
    }

    /**
     * Applies one step to every parameter that has had a gradient, then clears the gradients.
     * Returns false, leaving every weight, moving average and the step count exactly as they were
     * (the gradients are still cleared), when the step would make any of them non-finite: a NaN or
     * infinite gradient, or a learning rate or weight decay so large that the weights overflow.
     */
    public boolean step(double lr, double mom, double wd) {
        long t = step + 1;
        Scalars c = new Scalars(lr, mom, wd, t);
        List<Grad> grads = collect();
        try {
            // First everything that can still be refused, without touching a weight: the tensor
            // path and staged lazy rows compute into new arrays, the staged Java pass keeps a
            // backup. Tables whose results are sure to be finite (see bounded) wait, and are then
            // updated in place: the usual case, with nothing extra to write.
            boolean finite = true;
            List<Grad> staged = new ArrayList<>();
            List<Grad> inPlace = new ArrayList<>();
            for (Grad g : grads) {
                NDArray w = g.slot.param.getArray();
                g.fast = !forceTensorPath && fastPath(w) && (g.dense == null || fastPath(g.dense));
                if (!g.fast) {
                    finite &= tensorStep(g, w, c);
                } else if (g.dense == null && bounded(g, c)) {
                    g.inPlace = true;
                    inPlace.add(g);
                } else if (g.lazyRows(lazy)) {
                    finite &= stageRows(g, floats(w), c);
                } else {
                    staged.add(g);
                }
            }
            if (finite) {
                finite = denseSteps(staged, c);
            }
            if (!finite) {
                for (Grad g : grads) {
                    rollBack(g);
                }
                return false;
            }
            if (!denseSteps(inPlace, c)) {
                // Finite state and bounded scalars give finite results, so a weight was not finite before.
                throw new IllegalStateException("A parameter held non-finite weights before this step (were they"
                        + " changed outside the optimiser?): " + nonFinite(inPlace) + ". Reload or re-create the model.");
            }
            for (Grad g : grads) {
                commit(g, c);
            }
            step = t;
            return true;
        } finally {
            for (Grad g : grads) {
                release(g);
            }
        }
    }

    private static String nonFinite(List<Grad> grads) {
        List<String> names = new ArrayList<>();
        for (Grad g : grads) {
            float[] w = g.slot.param.getArray().toFloatArray();
            for (float x : w) {
                if (!Float.isFinite(x)) {
                    names.add(g.slot.name);
                    break;
                }
            }
        }
        return names.toString();
    }

    /**
     * Whether a table's step is sure to give finite values from finite ones, so it can be done in
     * place, with no backup: with 0 <= mom <= 1, |g_avg'| <= A = mom max|g_avg| + (1-mom) max|g|;
     * s' = sqr_mom s + (1-sqr_mom) g^2 stays finite when |g| <= 3e18; and
     * |p'| <= |p| |1 - lr wd| + |lr'| A / eps. With |1 - lr wd| <= 1 and the last term below 1e30
     * (under half an ulp of Float.MAX_VALUE), a finite p rounds to a finite p'. A NaN or infinite
     * gradient, or a learning rate or weight decay out of these bounds, takes the staged path.
     */
    private static boolean bounded(Grad g, Scalars c) {
        double gMax = g.rows == null ? 0 : g.maxRowGrad;
        if (!(gMax <= 3e18)) {
            return false; // also NaN
        }
        double avgMax = c.mom() * (double) g.slot.maxAvg + c.damp() * gMax;
        return c.mom() >= 0 && c.mom() <= 1 && Math.abs(c.decay(g.slot)) <= 1 && Float.isFinite(c.lr1())
                && Float.isFinite(c.inv2()) && c.inv2() > 0 && Math.abs((double) c.lr1()) * avgMax / EPS < 1e30;
    }

    /** One step's constants, as the float32 arithmetic uses them. */
    private record Scalars(float lr1, float inv2, float mom, float damp, float sqrMom, float sqrDamp, float eps,
            float decayOn) {
        Scalars(double lr, double mom, double wd, long t) {
            this((float) (lr / (1 - Math.pow(mom, t))), (float) (1 / (1 - Math.pow(SQR_MOM, t))), (float) mom,
                    (float) (1 - mom), (float) SQR_MOM, (float) (1 - SQR_MOM), (float) EPS, (float) (1 - lr * wd));
        }

        float decay(Slot s) {
            return s.decay ? decayOn : 1f;
        }
    }

    // ---- gathering the gradients ----------------------------------------------------------------

    private List<Grad> collect() {
        List<Grad> out = new ArrayList<>();
        for (Slot s : slots) {
            Grad g = new Grad(s);
            NDArray w = s.param.getArray();
            g.dense = denseGradient(w);
            if (s.table != null) {
                sumRows(g, s.table.takeLookups(), !lazy);
            }
            if (g.dense == null && g.rows == null && !s.seen) {
                continue; // never had a gradient: fastai skips it (its grad is None)
            }
            s.seen = true;
            out.add(g);
        }
        return out;
    }

    // The parameter's dense gradient, or null when backward never reached it.
    private static NDArray denseGradient(NDArray w) {
        if (!w.hasGradient()) {
            return null;
        }
        if (w instanceof PtNDArray pt) {
            return JniUtils.getGradient(pt); // null while undefined (PyTorch's grad is None)
        }
        return w.getGradient();
    }

    // Sums each lookup's per-row gradients into one gradient per distinct row, in lookup order
    // (PyTorch's embedding backward adds them in the same order, starting from zero).
    private static void sumRows(Grad g, List<Embedding.Lookup> lookups, boolean sort) {
        Slot s = g.slot;
        int f = s.cols;
        int rowsInTable = s.size / f;
        int used = 0;
        for (Embedding.Lookup l : lookups) {
            NDArray leafGrad = denseGradient(l.rows());
            if (leafGrad == null) {
                continue; // looked up, but backward did not run
            }
            int n = Math.toIntExact(l.indices().size());
            // Buffers kept per table: a step at bs 4096 would otherwise leave megabytes of garbage.
            if (s.leafGrads == null || s.leafGrads.length < n * f) {
                s.leafGrads = new float[n * f];
                s.indices = new long[n];
            }
            float[] lg = s.leafGrads;
            try (leafGrad) {
                ByteBuffer bytes = leafGrad.getDataType() == DataType.FLOAT32 ? leafGrad.toByteBuffer(true) : null;
                if (bytes != null && bytes.isDirect()) {
                    bytes.order(ByteOrder.nativeOrder()).asFloatBuffer().get(0, lg, 0, n * f);
                } else {
                    System.arraycopy(leafGrad.toType(DataType.FLOAT32, false).toFloatArray(), 0, lg, 0, n * f);
                }
            }
            long[] idx = s.indices;
            longs(l.indices(), idx);
            if (s.rowSlot == null) {
                s.rowSlot = new int[rowsInTable];
                Arrays.fill(s.rowSlot, -1);
            }
            if (s.rowsBuf == null || s.rowsBuf.length < Math.min(rowsInTable, used + n)) {
                int cap = Math.min(rowsInTable, Math.max(16, used + n));
                s.rowsBuf = s.rowsBuf == null ? new int[cap] : Arrays.copyOf(s.rowsBuf, cap);
                s.sums = s.sums == null ? new float[cap * f] : Arrays.copyOf(s.sums, cap * f);
            }
            int[] rows = s.rowsBuf;
            float[] sums = s.sums;
            for (int i = 0; i < n; i++) {
                int r = (int) idx[i];
                int k = s.rowSlot[r];
                if (k < 0) {
                    k = used++;
                    s.rowSlot[r] = k;
                    rows[k] = r;
                    Arrays.fill(sums, k * f, k * f + f, 0f);
                }
                int at = k * f;
                int from = i * f;
                for (int j = 0; j < f; j++) {
                    sums[at + j] += lg[from + j];
                }
            }
        }
        if (used > 0) {
            int[] sorted = Arrays.copyOf(s.rowsBuf, used);
            if (sort) {
                Arrays.sort(sorted); // the dense pass walks the rows in order; the lazy one need not
            }
            g.rows = sorted;
            g.rowGrads = s.sums;
            float max = 0;
            for (int i = 0; i < used * f; i++) {
                max = Math.max(max, Math.abs(s.sums[i]));
            }
            g.maxRowGrad = max;
        }
    }

    // The indices as longs into out, through DJL's direct buffer (its toLongArray goes through a heap copy).
    private static void longs(NDArray indices, long[] out) {
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

    // ---- the Java path ---------------------------------------------------------------------------

    // Whether the array is a contiguous float32 tensor in CPU memory: then DJL's direct buffer is a
    // view of its memory. (For another layout DJL hands out a buffer over a contiguous copy, and
    // for a GPU tensor over a copy in CPU memory: writes there would be lost.)
    private static boolean fastPath(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 && "cpu".equals(a.getDevice().getDeviceType()) && !a.isSparse()
                && contiguous(a);
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

    // The tensor's own memory (DJL returns a direct view for a contiguous CPU tensor).
    private static FloatBuffer floats(NDArray a) {
        ByteBuffer bytes = a.toByteBuffer(true);
        if (!bytes.isDirect()) {
            throw new IllegalStateException("Expected direct access to a CPU tensor's memory");
        }
        return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** One part of a pass: chunks [from, to) of one parameter, or its looked-up rows [from, to) in lazy mode. */
    private record Part(Grad grad, FloatBuffer weight, FloatBuffer gradient, int from, int to) {}

    // Every weight of the given parameters, split over the threads; true when all results are finite.
    private boolean denseSteps(List<Grad> grads, Scalars c) {
        // Staged parts keep a backup of the weights and write new moving averages to the double
        // buffers; in-place parts (see bounded) write over both.
        if (grads.isEmpty()) {
            return true;
        }
        List<List<Part>> perThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            perThread.add(new ArrayList<>());
        }
        for (Grad g : grads) {
            Slot s = g.slot;
            s.toJava();
            if (!g.inPlace && s.gradAvgNext == null) {
                s.gradAvgNext = new Chunked(s.size);
                s.sqrAvgNext = new Chunked(s.size);
            }
            if (!g.inPlace && s.backup == null) {
                s.backup = new Chunked(s.size);
            }
            g.passed = !g.inPlace;
            FloatBuffer w = floats(s.param.getArray());
            FloatBuffer gm = g.dense == null ? null : floats(g.dense);
            if (gm != null && g.rows != null) {
                addRowsInto(g, gm); // a table both looked up and used directly: one gradient
            }
            if (g.lazyRows(lazy)) {
                // Lazy, in place: the looked-up rows, split over the threads (they are distinct).
                int n = g.rows == null ? 0 : g.rows.length;
                int parts = n >= 512 ? threads : 1;
                for (int p = 0; p < parts && n > 0; p++) {
                    perThread.get(p).add(new Part(g, w.duplicate(), null, n * p / parts, n * (p + 1) / parts));
                }
                continue;
            }
            int parts = s.size >= MIN_SPLIT ? threads : 1;
            int chunks = s.gradAvg.data.length;
            for (int p = 0; p < parts; p++) {
                // Split at chunk boundaries; a row may span two parts (each copies its share of it).
                int from = (int) ((long) chunks * p / parts);
                int to = (int) ((long) chunks * (p + 1) / parts);
                perThread.get(p).add(new Part(g, w.duplicate(), gm == null ? null : gm.duplicate(), from, to));
            }
        }
        List<Future<Float>> others = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            if (!perThread.get(t).isEmpty()) {
                int thread = t;
                others.add(pool().submit(() -> runParts(perThread.get(thread), scratch[thread], c)));
            }
        }
        float bad = runParts(perThread.get(0), scratch[0], c);
        for (Future<Float> f : others) {
            bad += joinUninterruptibly(f);
        }
        return bad == 0;
    }

    // A step is all or nothing: an interrupt (a notebook's Kernel > Interrupt) waits for the other
    // threads' parts, and is kept for the learner, which stops before the next batch.
    private static float joinUninterruptibly(Future<Float> part) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return part.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("Optimiser step failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void addRowsInto(Grad g, FloatBuffer gm) {
        int f = g.slot.cols;
        float[] row = new float[f];
        for (int r : g.rows) {
            gm.get(r * f, row, 0, f);
            int at = g.slot.rowSlot[r] * f;
            for (int j = 0; j < f; j++) {
                row[j] += g.rowGrads[at + j];
            }
            gm.put(r * f, row, 0, f);
        }
        g.rows = null; // folded into the dense gradient
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            int n = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
            pool = Executors.newFixedThreadPool(n, r -> {
                Thread th = new Thread(r, "adam-step");
                th.setDaemon(true);
                return th;
            });
        }
        return pool;
    }

    // The fused update of some parts, chunk by chunk; returns 0 when every result is finite.
    private float runParts(List<Part> parts, float[][] buf, Scalars c) {
        float[] gLocal = buf[0];
        float[] pLocal = buf[1];
        float bad = 0;
        for (Part part : parts) {
            Grad g = part.grad();
            Slot s = g.slot;
            float decay = c.decay(s);
            if (g.lazyRows(lazy)) {
                bad += lazyRows(part, buf, decay, c);
                continue;
            }
            int k = g.rows == null ? 0 : firstRowEndingAfter(g.rows, part.from() * CHUNK, s.cols);
            for (int chunk = part.from(); chunk < part.to(); chunk++) {
                int off = chunk * CHUNK;
                float[] avg = s.gradAvg.data[chunk];
                float[] sqr = s.sqrAvg.data[chunk];
                int len = avg.length;
                if (g.inPlace) {
                    part.weight().get(off, pLocal, 0, len);
                } else {
                    // Staged: the old weights stay in the backup, the new averages go to the spares.
                    float[] old = s.backup.data[chunk];
                    part.weight().get(off, old, 0, len);
                    System.arraycopy(old, 0, pLocal, 0, len);
                    System.arraycopy(avg, 0, avg = s.gradAvgNext.data[chunk], 0, len);
                    System.arraycopy(sqr, 0, sqr = s.sqrAvgNext.data[chunk], 0, len);
                }
                float[] grad = zeros; // no row of this chunk was looked up
                if (part.gradient() != null) {
                    part.gradient().get(off, gLocal, 0, len);
                    part.gradient().put(off, zeros, 0, len); // PyTorch accumulates: clear for the next batch
                    grad = gLocal;
                } else if (g.rows != null && k < g.rows.length && (long) g.rows[k] * s.cols < off + len) {
                    Arrays.fill(gLocal, 0, len, 0f);
                    k = copyRows(g, k, off, len, gLocal);
                    grad = gLocal;
                }
                if (g.inPlace) {
                    updateInPlace(len, pLocal, grad, avg, sqr, decay, c);
                } else {
                    bad += update(len, pLocal, grad, avg, sqr, decay, c);
                }
                part.weight().put(off, pLocal, 0, len);
            }
        }
        return bad;
    }

    // Lazy mode in place: blocks of rows gathered into the scratch arrays, updated, written back.
    private static float lazyRows(Part part, float[][] buf, float decay, Scalars c) {
        Grad g = part.grad();
        Slot s = g.slot;
        int f = s.cols;
        int block = Math.max(1, CHUNK / f);
        float[] gb = f <= CHUNK ? buf[0] : new float[f];
        float[] pb = f <= CHUNK ? buf[1] : new float[f];
        float[] mb = f <= CHUNK ? buf[2] : new float[f];
        float[] vb = f <= CHUNK ? buf[3] : new float[f];
        FloatBuffer w = part.weight();
        float bad = 0;
        for (int k = part.from(); k < part.to(); k += block) {
            int nb = Math.min(block, part.to() - k);
            for (int b = 0; b < nb; b++) {
                int r = g.rows[k + b];
                w.get(r * f, pb, b * f, f);
                s.gradAvg.get(r * f, mb, b * f, f);
                s.sqrAvg.get(r * f, vb, b * f, f);
                System.arraycopy(g.rowGrads, s.rowSlot[r] * f, gb, b * f, f);
            }
            bad += update(nb * f, pb, gb, mb, vb, decay, c);
            for (int b = 0; b < nb; b++) {
                int r = g.rows[k + b];
                w.put(r * f, pb, b * f, f);
                s.gradAvg.put(r * f, mb, b * f, f);
                s.sqrAvg.put(r * f, vb, b * f, f);
            }
        }
        return bad;
    }

    private static int firstRowEndingAfter(int[] rows, int from, int f) {
        int lo = 0, hi = rows.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if ((long) rows[mid] * f + f <= from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // Copies the summed gradients of the rows overlapping [off, off+len) into the chunk; returns
    // the first row that may overlap the next chunk.
    private static int copyRows(Grad g, int k, int off, int len, float[] gLocal) {
        int f = g.slot.cols;
        int end = off + len;
        int[] rows = g.rows;
        while (k < rows.length) {
            int start = rows[k] * f;
            if (start >= end) {
                break;
            }
            int a = Math.max(start, off);
            int b = Math.min(start + f, end);
            System.arraycopy(g.rowGrads, g.slot.rowSlot[rows[k]] * f + (a - start), gLocal, a - off, b - a);
            if (start + f > end) {
                break; // the row continues in the next chunk
            }
            k++;
        }
        return k;
    }

    // One fused pass over len elements, in place, all arrays at the same index: the JIT vectorises
    // it only so (with separate output arrays, or an offset on some arrays, it ran 5x slower).
    // x - x is 0 for a finite x and NaN otherwise, so the sum is 0 exactly when every result is
    // finite, whatever the order.
    private static float update(int len, float[] p, float[] g, float[] gAvg, float[] sqrAvg, float decay, Scalars c) {
        float mom = c.mom(), damp = c.damp(), sqrMom = c.sqrMom(), sqrDamp = c.sqrDamp();
        float lr1 = c.lr1(), inv2 = c.inv2(), eps = c.eps();
        float bad = 0;
        for (int i = 0; i < len; i++) {
            float gi = g[i];
            float m = mom * gAvg[i] + damp * gi;
            float v = sqrMom * sqrAvg[i] + sqrDamp * gi * gi;
            gAvg[i] = m;
            sqrAvg[i] = v;
            float q = p[i] * decay - lr1 * m / ((float) Math.sqrt(v * inv2) + eps);
            p[i] = q;
            bad += (q - q) + (m - m) + (v - v);
        }
        return bad;
    }

    // The same pass where bounded() has proved every result finite: without the running check,
    // which is a float reduction the JIT does not vectorise (measured: 10-15% of a bs-64 epoch).
    private static void updateInPlace(int len, float[] p, float[] g, float[] gAvg, float[] sqrAvg, float decay, Scalars c) {
        float mom = c.mom(), damp = c.damp(), sqrMom = c.sqrMom(), sqrDamp = c.sqrDamp();
        float lr1 = c.lr1(), inv2 = c.inv2(), eps = c.eps();
        for (int i = 0; i < len; i++) {
            float gi = g[i];
            float m = mom * gAvg[i] + damp * gi;
            float v = sqrMom * sqrAvg[i] + sqrDamp * gi * gi;
            gAvg[i] = m;
            sqrAvg[i] = v;
            p[i] = p[i] * decay - lr1 * m / ((float) Math.sqrt(v * inv2) + eps);
        }
    }

    // The looked-up rows' new weights and moving averages, staged: committed in lazy mode, a check
    // before the in-place pass in exact mode.
    private boolean stageRows(Grad g, FloatBuffer w, Scalars c) {
        if (g.rows == null) {
            return true; // not looked up this step: nothing moves
        }
        Slot s = g.slot;
        s.toJava();
        int f = s.cols;
        int n = g.rows.length * f;
        g.staged = new float[n];
        g.stagedAvg = new float[n];
        g.stagedSqr = new float[n];
        // Row k's summed gradient is at rowSlot[rows[k]]: k itself unless the rows were sorted.
        boolean packed = true;
        for (int k = 0; k < g.rows.length && packed; k++) {
            packed = s.rowSlot[g.rows[k]] == k;
        }
        float[] grad = packed ? g.rowGrads : packedRows(g);
        for (int k = 0; k < g.rows.length; k++) {
            int r = g.rows[k];
            w.get(r * f, g.staged, k * f, f);
            s.gradAvg.get(r * f, g.stagedAvg, k * f, f);
            s.sqrAvg.get(r * f, g.stagedSqr, k * f, f);
        }
        // The same arithmetic as exact mode, on the packed rows, in place.
        float bad = update(n, g.staged, grad, g.stagedAvg, g.stagedSqr, c.decay(s), c);
        return bad == 0;
    }

    // ---- the tensor path (GPU or another layout) --------------------------------------------

    // The same arithmetic as update(), as tensor ops on the parameter's device.
    private boolean tensorStep(Grad g, NDArray w, Scalars c) {
        Slot s = g.slot;
        s.toTensors(w);
        NDManager m = w.getManager();
        return Tensors.noGrad(() -> {
            try (NDManager tmp = m.newSubManager()) {
                // An op's result belongs to its first operand's manager: results of ops on the
                // long-lived arrays are moved to tmp, so every temporary is freed with it.
                java.util.function.UnaryOperator<NDArray> t = a -> {
                    a.attach(tmp);
                    return a;
                };
                DataType dt = w.getDataType();
                boolean rowsOnly = g.lazyRows(lazy);
                if (rowsOnly && g.rows == null) {
                    return true;
                }
                NDArray p, avg, sqr, grad;
                if (rowsOnly) {
                    g.rowIndex = keep(m.create(Arrays.stream(g.rows).asLongStream().toArray()), m);
                    NDIndex at = new NDIndex("{}", g.rowIndex);
                    p = t.apply(w.get(at));
                    avg = t.apply(s.gradAvgT.get(at));
                    sqr = t.apply(s.sqrAvgT.get(at));
                    grad = tmp.create(packedRows(g), new Shape(g.rows.length, s.cols)).toType(dt, false);
                } else {
                    p = w;
                    avg = s.gradAvgT;
                    sqr = s.sqrAvgT;
                    grad = g.dense != null ? g.dense : tmp.zeros(w.getShape(), dt);
                    if (g.rows != null) {
                        // Scatter the row sums into a dense gradient (each row appears once).
                        NDArray rowIdx = tmp.create(Arrays.stream(g.rows).asLongStream().toArray());
                        NDArray sums = tmp.create(packedRows(g), new Shape(g.rows.length, s.cols)).toType(dt, false);
                        grad = t.apply(grad.duplicate());
                        grad.set(new NDIndex("{}", rowIdx), grad.get(new NDIndex("{}", rowIdx)).add(sums));
                    }
                }
                NDArray newAvg = t.apply(avg.mul(scalar(tmp, c.mom(), dt)))
                        .add(t.apply(grad.mul(scalar(tmp, c.damp(), dt))));
                NDArray newSqr = t.apply(sqr.mul(scalar(tmp, c.sqrMom(), dt)))
                        .add(t.apply(grad.mul(scalar(tmp, c.sqrDamp(), dt))).mul(grad));
                NDArray den = newSqr.mul(scalar(tmp, c.inv2(), dt)).sqrt().add(scalar(tmp, c.eps(), dt));
                NDArray newP = t.apply(p.mul(scalar(tmp, c.decay(s), dt)))
                        .sub(newAvg.mul(scalar(tmp, c.lr1(), dt)).div(den));
                if (g.dense != null) {
                    g.dense.set(new NDIndex("..."), 0f); // PyTorch accumulates: clear for the next batch
                }
                // x - x is 0 for finite x and NaN otherwise: one number says whether all are finite.
                float bad = newP.sub(newP).sum().add(newAvg.sub(newAvg).sum()).add(newSqr.sub(newSqr).sum())
                        .toType(DataType.FLOAT32, false).getFloat();
                g.newP = keep(newP, m);
                g.newAvg = keep(newAvg, m);
                g.newSqr = keep(newSqr, m);
                return bad == 0;
            }
        });
    }

    private static float[] packedRows(Grad g) {
        int f = g.slot.cols;
        float[] out = new float[g.rows.length * f];
        for (int k = 0; k < g.rows.length; k++) {
            System.arraycopy(g.rowGrads, g.slot.rowSlot[g.rows[k]] * f, out, k * f, f);
        }
        return out;
    }

    private static NDArray scalar(NDManager tmp, float value, DataType dt) {
        return tmp.create(value).toType(dt, false);
    }

    // Moves an array out of any temporary manager or scope so it lives as long as the optimiser.
    private static NDArray keep(NDArray a, NDManager owner) {
        a.attach(owner);
        NDScope.unregister(a);
        return a;
    }

    // ---- commit or roll back -------------------------------------------------------------------

    private void commit(Grad g, Scalars c) {
        Slot s = g.slot;
        if (!g.fast) {
            if (g.newP == null) {
                return;
            }
            NDArray w = s.param.getArray();
            Tensors.noGrad(() -> {
                if (g.rowIndex != null) {
                    NDIndex at = new NDIndex("{}", g.rowIndex);
                    w.set(at, g.newP);
                    s.gradAvgT.set(at, g.newAvg);
                    s.sqrAvgT.set(at, g.newSqr);
                    g.newAvg.close();
                    g.newSqr.close();
                } else {
                    w.set(new NDIndex("..."), g.newP);
                    s.gradAvgT.close();
                    s.sqrAvgT.close();
                    s.gradAvgT = g.newAvg;
                    s.sqrAvgT = g.newSqr;
                }
                g.newP.close();
                return null;
            });
        } else if (g.inPlace) {
            // |mom*a + (1-mom)*g| <= mom*max|a| + (1-mom)*max|g|, with room for two roundings;
            // in lazy mode the rows not looked up keep theirs.
            float bound = (float) ((c.mom() * (double) s.maxAvg + c.damp() * (double) g.maxRowGrad) * (1 + 1e-6));
            s.maxAvg = g.lazyRows(lazy) ? Math.max(s.maxAvg, bound) : bound;
        } else if (g.lazyRows(lazy)) {
            if (g.rows == null) {
                return;
            }
            FloatBuffer w = floats(s.param.getArray());
            int f = s.cols;
            for (int k = 0; k < g.rows.length; k++) {
                int r = g.rows[k];
                w.put(r * f, g.staged, k * f, f);
                s.gradAvg.put(r * f, g.stagedAvg, k * f, f);
                s.sqrAvg.put(r * f, g.stagedSqr, k * f, f);
            }
            s.maxAvg = Math.max(s.maxAvg, maxAbs(g.stagedAvg));
        } else {
            // The weights are written already; the new averages become the current ones.
            Chunked a = s.gradAvg;
            s.gradAvg = s.gradAvgNext;
            s.gradAvgNext = a;
            Chunked q = s.sqrAvg;
            s.sqrAvg = s.sqrAvgNext;
            s.sqrAvgNext = q;
            s.maxAvg = s.gradAvg.maxAbs();
            dropSpares(s);
        }
    }

    // A large table staged only in rare steps (a refused one, a huge lr) need not keep 3 spare
    // copies of itself; small parameters (Linear layers) stage every step and keep theirs.
    private static void dropSpares(Slot s) {
        if (s.size >= MIN_SPLIT) {
            s.gradAvgNext = s.sqrAvgNext = s.backup = null;
        }
    }

    private void rollBack(Grad g) {
        if (g.passed) {
            FloatBuffer w = floats(g.slot.param.getArray());
            float[][] backup = g.slot.backup.data;
            for (int k = 0; k < backup.length; k++) {
                w.put(k * CHUNK, backup[k], 0, backup[k].length);
            }
            dropSpares(g.slot);
        } else if (g.fast && g.dense != null) {
            // The pass that clears the gradient did not run.
            FloatBuffer gm = floats(g.dense);
            for (int off = 0; off < g.slot.size; off += CHUNK) {
                gm.put(off, zeros, 0, Math.min(CHUNK, g.slot.size - off));
            }
        }
        for (NDArray a : new NDArray[] {g.newP, g.newAvg, g.newSqr}) {
            if (a != null) {
                a.close();
            }
        }
    }

    private static float maxAbs(float[] a) {
        float max = 0;
        for (float x : a) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    private static void release(Grad g) {
        if (g.rows != null || g.rowGrads != null) {
            int[] map = g.slot.rowSlot;
            // Every row that got a slot is in rows, unless folded into a dense gradient: clear all then.
            if (g.rows != null) {
                for (int r : g.rows) {
                    map[r] = -1;
                }
            } else {
                Arrays.fill(map, -1);
            }
        }
        if (g.dense != null) {
            g.dense.close();
        }
        if (g.rowIndex != null) {
            g.rowIndex.close();
        }
    }

    // ---- inspection ------------------------------------------------------------------------------

    /** Steps taken so far (fastai's {@code step} statistic); a refused step does not count. */
    public long steps() {
        return step;
    }

    /** The parameters the optimiser updates, each marked when it is not decayed. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Slot s : slots) {
            out.add(s.name + (s.decay ? "" : " (no weight decay)"));
        }
        return out;
    }

    /** The moving averages of one parameter, by name: {gradAvg, sqrAvg}; for tests and inspection. */
    public float[][] state(String name) {
        for (Slot s : slots) {
            if (s.name.equals(name)) {
                return s.copy();
            }
        }
        throw new IllegalArgumentException("No trainable parameter named " + name + "; have " + describe());
    }

    /** Copies of the optimiser state, to restore after lrFind. */
    State snapshot() {
        List<float[][]> copies = new ArrayList<>();
        List<Boolean> seen = new ArrayList<>();
        for (Slot s : slots) {
            copies.add(s.copy());
            seen.add(s.seen);
        }
        return new State(copies, seen, step);
    }

    void restore(State st) {
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            float[][] c = st.copies.get(i);
            if (s.gradAvgT != null) {
                s.gradAvgT.set(c[0]);
                s.sqrAvgT.set(c[1]);
            } else {
                s.gradAvg.put(0, c[0], 0, c[0].length);
                s.sqrAvg.put(0, c[1], 0, c[1].length);
                s.maxAvg = s.gradAvg.maxAbs();
            }
            s.seen = st.seen.get(i);
        }
        step = st.step;
    }

    record State(List<float[][]> copies, List<Boolean> seen, long step) {}
}
