package dev.fastbook.collab.train.fused;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.Embedding;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.optim.Adam;
import dev.fastbook.collab.train.optim.AdamMath;
import java.util.Arrays;

/**
 * A training step of {@link EmbeddingDotBias} with MSE loss and fastai's Adam in plain Java arrays,
 * for small batches where the engine's per-operation cost outweighs the arithmetic: the forward
 * pass (gather the rows, dot, biases, sigmoid range), the loss's gradient into the rows the batch
 * touched, then fastai's exact Adam step ({@link AdamMath}) over every weight of the four tables,
 * as {@link Adam#step} takes it (untouched rows are decayed and pushed by their moving averages
 * too). A step allocates nothing but its constants' small record ({@link AdamMath.Step}).
 *
 * <p>{@link #load} copies the weights and the optimiser's state in, {@link #save} copies them back,
 * so the model and {@link Adam} stay the one place the state lives between training phases.
 * Every element's arithmetic is the same however the dense pass is split over threads.
 */
public final class DotBiasStep {
    /**
     * The most weights for which the Learner takes this path unasked: it keeps its own copy of the
     * weights, their gradient and moving averages (16 bytes a weight), 64 MB at this size.
     */
    public static final long AUTO_MAX_WEIGHTS = 1L << 22;

    private final Table user, item, userBias, itemBias;
    private final Table[] tables;
    private final int f;
    private final boolean squash;
    private final float lo, span;
    private final Adam opt;
    private final DensePass pass;
    private long steps; // since load
    private double maxAvg; // at least max |gradAvg| over all tables: bounds a step's move
    private int[] lastUsers, lastItems;
    private int lastN;

    /** One parameter: its weights, gradient and moving averages as Java arrays. */
    static final class Table {
        final Parameter param;
        final float[] w, g, avg, sqr;
        final int cols;
        final boolean decays;

        Table(Embedding e, Adam opt) {
            param = e.weight;
            int size = e.size() * e.factors();
            w = new float[size];
            g = new float[size];
            avg = new float[size];
            sqr = new float[size];
            cols = e.factors();
            decays = opt.decays(param);
        }
    }

    /**
     * @param model   the model whose four tables are trained
     * @param opt     the learner's optimiser: its moving averages, step count and weight-decay choices
     * @param threads threads for the dense Adam pass (1 = the calling thread only); results do not
     *                depend on it
     */
    public DotBiasStep(EmbeddingDotBias model, Adam opt, int threads) {
        this.opt = opt;
        user = new Table(model.uWeight, opt);
        item = new Table(model.iWeight, opt);
        userBias = new Table(model.uBias, opt);
        itemBias = new Table(model.iBias, opt);
        tables = new Table[] {user, item, userBias, itemBias};
        f = model.factors();
        YRange r = model.yRange();
        squash = r != null;
        lo = squash ? (float) r.lo() : 0f;
        span = squash ? (float) (r.hi() - r.lo()) : 1f;
        pass = new DensePass(tables, threads);
    }

    /** Copies the model's weights and the optimiser's moving averages in; gradients start at zero. */
    public void load() {
        for (Table t : tables) {
            System.arraycopy(t.param.getArray().toFloatArray(), 0, t.w, 0, t.w.length);
            opt.copyState(t.param, t.avg, t.sqr);
        }
        maxAvg = 0;
        for (Table t : tables) {
            for (float a : t.avg) {
                maxAvg = Math.max(maxAvg, Math.abs(a));
            }
        }
        steps = 0;
        lastN = 0;
    }

    /** Copies the weights and moving averages back, and counts the steps taken since {@link #load}. */
    public void save() {
        discard();
        for (Table t : tables) {
            NDArray target = t.param.getArray();
            Tensors.copyInto(Tensors.manager().create(t.w, target.getShape()), target);
            opt.putState(t.param, t.avg, t.sqr);
        }
        opt.addSteps(steps);
        steps = 0;
    }

    /**
     * The forward pass and MSE loss of {@code n} rows, and the loss's gradient summed into the
     * rows they touch (the weights do not move until {@link #step}). Returns the mean loss.
     */
    public float forwardBackward(int[] users, int[] items, float[] ratings, int n) {
        discard();
        float[] uw = user.w, iw = item.w, ub = userBias.w, ib = itemBias.w;
        float[] gu = user.g, gi = item.g, gub = userBias.g, gib = itemBias.g;
        float scale = 2f / n; // d(mean of squares)/d(diff)
        double sum = 0;
        for (int k = 0; k < n; k++) {
            int u = users[k], i = items[k], uo = u * f, io = i * f;
            float dot = 0;
            for (int j = 0; j < f; j++) {
                dot += uw[uo + j] * iw[io + j];
            }
            float res = dot + ub[u] + ib[i];
            float pred, slope;
            if (squash) {
                float s = (float) (1 / (1 + Math.exp(-res)));
                pred = s * span + lo;
                slope = span * (s * (1 - s));
            } else {
                pred = res;
                slope = 1f;
            }
            float diff = pred - ratings[k];
            sum += diff * diff;
            float d = scale * diff * slope; // d loss / d res
            for (int j = 0; j < f; j++) {
                gu[uo + j] += d * iw[io + j];
                gi[io + j] += d * uw[uo + j];
            }
            gub[u] += d;
            gib[i] += d;
        }
        lastUsers = users;
        lastItems = items;
        lastN = n;
        return (float) (sum / n);
    }

    /**
     * fastai's Adam step over every weight with the gradient of the last {@link #forwardBackward}.
     * Returns false, changing nothing, when it cannot show that every result is finite (as
     * {@code Adam} argues for its in-place update: finite weights, a gradient within 3e18, a decay
     * factor within 1 and a move {@code lr/debias * max|gradAvg| / eps} below 1e30 give finite
     * results): a non-finite gradient, say, from weights that were not finite.
     */
    public boolean step(double lr, double mom, double wd) {
        AdamMath.Step c = AdamMath.Step.of(lr, mom, wd, opt.steps() + steps + 1);
        double gMax = gradientMaxAbs();
        double avgBound = c.mom() * maxAvg + c.damp() * gMax;
        boolean bounded = gMax <= 3e18
                && c.mom() >= 0
                && c.mom() <= 1
                && Math.abs(c.decay(true)) <= 1
                && Float.isFinite(c.lr1())
                && Float.isFinite(c.inv2())
                && c.inv2() > 0
                && Math.abs((double) c.lr1()) * avgBound / c.eps() < 1e30;
        if (!bounded) {
            discard();
            return false;
        }
        pass.run(c);
        maxAvg = avgBound * (1 + 1e-6); // room for the roundings of mom*a + (1-mom)*g
        discard();
        steps++;
        return true;
    }

    /** Zeroes the gradient of the last batch (after its step, or when the batch is dropped). */
    public void discard() {
        for (int k = 0; k < lastN; k++) {
            int u = lastUsers[k], i = lastItems[k];
            Arrays.fill(user.g, u * f, u * f + f, 0f);
            Arrays.fill(item.g, i * f, i * f + f, 0f);
            userBias.g[u] = 0f;
            itemBias.g[i] = 0f;
        }
        lastN = 0;
    }

    // Only the touched rows hold a gradient; NaN when any is NaN.
    private double gradientMaxAbs() {
        float max = 0;
        for (int k = 0; k < lastN; k++) {
            int uo = lastUsers[k] * f, io = lastItems[k] * f;
            for (int j = 0; j < f; j++) {
                max = maxAbs(maxAbs(max, user.g[uo + j]), item.g[io + j]);
            }
            max = maxAbs(maxAbs(max, userBias.g[lastUsers[k]]), itemBias.g[lastItems[k]]);
        }
        return max;
    }

    private static float maxAbs(float max, float x) {
        float a = Math.abs(x);
        return a > max || a != a ? a : max; // a NaN stays
    }
}
