package dev.fastbook.collab.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.model.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * fastai's Adam, composed as fastai composes it from steppers ({@link AdamMath}): decoupled weight
 * decay {@code p *= 1 - lr*wd}, then {@code g_avg = mom*g_avg + (1-mom)*g},
 * {@code s = sqr_mom*s + (1-sqr_mom)*g^2} and
 * {@code p -= lr/(1-mom^t) * g_avg / (sqrt(s/(1-sqr_mom^t)) + eps)}, with sqr_mom 0.99 and eps
 * 1e-5. Normalisation-layer parameters and biases are not decayed.
 *
 * <p><b>Exact mode</b> (the default, fastai's arithmetic): every weight of every parameter that has
 * had a gradient moves every step, as in fastai. A contiguous float32 parameter in CPU memory is
 * updated by {@link CpuPass}; any other (on a GPU, say) by {@link TensorPath}, with the same
 * arithmetic as tensor operations on its device. With {@link SparseGradients} an embedding hands
 * over its gradient as the rows a batch looked up ({@link RowGradients}): the same floats as
 * PyTorch's dense embedding gradient, without a full-size gradient to fill, add and clear.
 *
 * <p><b>Lazy mode</b> ({@code lazy = true}; opt-in, beyond fastai; PyTorch's {@code SparseAdam}
 * for embeddings; needs {@link SparseGradients}): an embedding's step updates only the rows the
 * batch looked up, with their moving averages ({@link LazyRows}), so it costs O(batch x factors)
 * instead of O(table). What changes in the arithmetic: a row the batch did not use gets no weight
 * decay and its moving averages stand still (in exact mode {@code g_avg} keeps pushing it with the
 * momentum of earlier batches and {@code s} shrinks); the bias correction uses the global step
 * count, as SparseAdam does. The two agree bit for bit exactly when every step a row skipped would
 * have left it unchanged in exact mode: wd 0 and zero moving averages, i.e. up to and including a
 * row's first use (so everywhere on the first step). With momentum 0 as well, a skipped row's
 * weight does not move in exact mode either, but its {@code s} shrinks, so the weights agree until
 * a row comes back after skipping a step. Other parameters keep the exact update.
 *
 * <p><b>Refusal</b>: {@link #step} returns false and leaves every weight, moving average and the
 * step count as they were when the step would make any of them non-finite. The usual case costs
 * nothing extra: when finite state, a finite gradient and bounded settings cannot give a
 * non-finite result ({@code bounded}), a table is updated in place; otherwise the new state is
 * staged first ({@link StepRollback}, {@link LazyRows.Staged}, {@link TensorPath.Staged}).
 */
public final class Adam {
    private final List<Slot> slots = new ArrayList<>();
    private final boolean lazy;
    private final SparseGradients sparse;
    private final CpuPass cpu;
    /** Run the tensor path even where the CPU pass could (tests). */
    boolean forceTensorPath;

    private long step;

    /** fastai's Adam (exact mode) over every trainable parameter of {@code model}, with dense gradients. */
    public Adam(Module model) {
        this(model, false, SparseGradients.none());
    }

    /**
     * @param lazy   true for the opt-in lazy update of embeddings (see the class comment); false for
     *               fastai's exact update
     * @param sparse the embeddings whose gradients come as rows ({@link SparseGradients#on})
     */
    public Adam(Module model, boolean lazy, SparseGradients sparse) {
        this(model, lazy, sparse, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    /** With a thread count, for measurements (1 = single-threaded). */
    public Adam(Module model, boolean lazy, SparseGradients sparse, int threads) {
        this.cpu = new CpuPass(threads);
        this.lazy = lazy;
        this.sparse = sparse;
        slots.addAll(TrainedParameters.slots(model, lazy, sparse));
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
        AdamMath.Step c = AdamMath.Step.of(lr, mom, wd, t);
        List<Grad> grads = new ArrayList<>();
        try {
            collect(grads);
            // First everything that can still be refused, without touching a weight; tables whose
            // results are sure to be finite wait, and are then updated in place.
            boolean finite = true;
            List<Grad> staged = new ArrayList<>();
            List<Grad> inPlace = new ArrayList<>();
            for (Grad g : grads) {
                NDArray w = g.slot.weight();
                boolean onCpu = !forceTensorPath
                        && TensorMemory.writable(w)
                        && (g.dense == null || TensorMemory.writable(g.dense));
                if (!onCpu) {
                    g.path = Grad.Path.TENSOR;
                    finite &= TensorPath.stage(g, c);
                } else if (g.dense == null && bounded(g, c)) {
                    g.path = Grad.Path.IN_PLACE;
                    inPlace.add(g);
                } else if (g.lazy) {
                    g.path = Grad.Path.STAGED_ROWS;
                    finite &= LazyRows.stage(g, TensorMemory.floats(w), c);
                } else {
                    g.path = Grad.Path.STAGED;
                    staged.add(g);
                }
            }
            if (finite) {
                finite = cpu.run(staged, c);
            }
            if (!finite) {
                grads.forEach(this::rollBack);
                return false;
            }
            if (!cpu.run(inPlace, c)) {
                // Finite state and bounded scalars give finite results, so a weight was not finite before.
                throw new IllegalStateException("A parameter held non-finite weights before this step (were they"
                        + " changed outside the optimiser?): " + nonFinite(inPlace)
                        + ". Reload or re-create the model.");
            }
            for (Grad g : grads) {
                commit(g, c);
            }
            step = t;
            return true;
        } finally {
            grads.forEach(this::release);
            sparse.endStep();
        }
    }

    // Each parameter's gradient; a parameter that never had one is skipped, as fastai skips it.
    private void collect(List<Grad> out) {
        for (Slot s : slots) {
            NDArray dense = TensorMemory.gradient(s.weight());
            Grad g;
            try {
                g = new Grad(s, dense, s.rows ? sparse.take(s.param, !lazy) : null, lazy);
            } catch (RuntimeException e) {
                if (dense != null) {
                    dense.close();
                }
                throw e;
            }
            if (g.dense == null && g.rows == null && !s.seen) {
                continue;
            }
            s.seen = true;
            out.add(g);
        }
    }

    /**
     * Whether a table's step is sure to give finite values from finite ones, so it can be done in
     * place, with no backup: with 0 <= mom <= 1, |g_avg'| <= A = mom max|g_avg| + (1-mom) max|g|;
     * s' = sqr_mom s + (1-sqr_mom) g^2 stays finite when |g| <= 3e18; and
     * |p'| <= |p| |1 - lr wd| + |lr'| A / eps. With |1 - lr wd| <= 1 and the last term below 1e30
     * (under half an ulp of Float.MAX_VALUE), a finite p rounds to a finite p'. A NaN or infinite
     * gradient, or a learning rate or weight decay out of these bounds, takes the staged path.
     */
    private static boolean bounded(Grad g, AdamMath.Step c) {
        double gMax = g.maxRowGrad();
        if (!(gMax <= 3e18)) {
            return false; // also NaN
        }
        double avgMax = c.mom() * (double) g.slot.maxAvg + c.damp() * gMax;
        return c.mom() >= 0
                && c.mom() <= 1
                && Math.abs(c.decay(g.slot.decays)) <= 1
                && Float.isFinite(c.lr1())
                && Float.isFinite(c.inv2())
                && c.inv2() > 0
                && Math.abs((double) c.lr1()) * avgMax / AdamMath.EPS < 1e30;
    }

    private void commit(Grad g, AdamMath.Step c) {
        Slot s = g.slot;
        switch (g.path) {
            case TENSOR -> TensorPath.commit(g);
            case IN_PLACE -> {
                // |mom*a + (1-mom)*g| <= mom*max|a| + (1-mom)*max|g|, with room for two roundings;
                // in lazy mode the rows not looked up keep theirs.
                float bound = (float) ((c.mom() * (double) s.maxAvg + c.damp() * (double) g.maxRowGrad()) * (1 + 1e-6));
                s.maxAvg = g.lazy ? Math.max(s.maxAvg, bound) : bound;
            }
            case STAGED_ROWS -> LazyRows.commit(g, TensorMemory.floats(s.weight()));
            case STAGED -> s.rollBack.commit(); // the weights are written already
        }
    }

    private void rollBack(Grad g) {
        if (g.passed) {
            g.slot.rollBack.restore(TensorMemory.floats(g.slot.weight()));
        } else if (g.path != Grad.Path.TENSOR && g.dense != null) {
            cpu.clearGradient(g); // the pass that clears it did not run
        }
        TensorPath.discard(g);
        g.staged = null;
    }

    private void release(Grad g) {
        if (g.slot.rows) {
            sparse.clear(g.slot.param);
        }
        if (g.dense != null) {
            g.dense.close();
        }
        TensorPath.discard(g);
    }

    private static String nonFinite(List<Grad> grads) {
        List<String> names = new ArrayList<>();
        for (Grad g : grads) {
            for (float x : g.slot.weight().toFloatArray()) {
                if (!Float.isFinite(x)) {
                    names.add(g.slot.name);
                    break;
                }
            }
        }
        return names.toString();
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
            out.add(s.name + (s.decays ? "" : " (no weight decay)"));
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

    /** A copy of the optimiser's state (moving averages, step count), to put back with {@link #restore}. */
    public State snapshot() {
        List<float[][]> copies = new ArrayList<>();
        List<Boolean> seen = new ArrayList<>();
        for (Slot s : slots) {
            copies.add(s.copy());
            seen.add(s.seen);
        }
        return new State(copies, seen, step);
    }

    /** Puts back a state from {@link #snapshot} (lrFind does, after its trial steps). */
    public void restore(State st) {
        for (int i = 0; i < slots.size(); i++) {
            slots.get(i).set(st.copies.get(i));
            slots.get(i).seen = st.seen.get(i);
        }
        step = st.step;
    }

    // ---- for a trainer that takes exact steps outside this class (train.fused) -------------------

    /** Whether fastai's weight decay applies to the parameter (not to biases and normalisation layers). */
    public boolean decays(Parameter p) {
        return slot(p).decays;
    }

    /** Copies the parameter's moving averages into {@code avg} and {@code sqr}, each as long as the parameter. */
    public void copyState(Parameter p, float[] avg, float[] sqr) {
        Slot s = slot(p);
        s.toJava();
        s.gradAvg.get(0, avg, 0, s.size);
        s.sqrAvg.get(0, sqr, 0, s.size);
    }

    /** Puts back moving averages that exact steps taken elsewhere moved; the parameter counts as seen. */
    public void putState(Parameter p, float[] avg, float[] sqr) {
        Slot s = slot(p);
        s.toJava();
        s.set(new float[][] {avg, sqr});
        s.seen = true;
    }

    /** Counts {@code n} steps taken elsewhere (the bias correction's step count). */
    public void addSteps(long n) {
        step += n;
    }

    private Slot slot(Parameter p) {
        for (Slot s : slots) {
            if (s.param == p) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "The optimiser does not train parameter " + p.getName() + "; have " + describe());
    }

    /** The optimiser's state at one moment; opaque. */
    public record State(List<float[][]> copies, List<Boolean> seen, long step) {}
}
