package dev.fastbook.collab.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * fastai's Adam steppers ({@code optimizer.py}), each written once: {@link #weightDecay},
 * {@link #averageGrad}, {@link #averageSqrGrad}, the debias of {@code step_stat} folded into
 * {@link Step}, and {@link #adamStep}. Each has a float form (one element, for the CPU pass) and
 * a tensor form (for parameters on another device), side by side so the two cannot drift apart.
 */
public final class AdamMath {
    /** fastai's {@code sqr_mom}. */
    static final double SQR_MOM = 0.99;
    /** fastai's {@code eps}. */
    static final double EPS = 1e-5;

    private AdamMath() {}

    /**
     * One step's constants as the float32 arithmetic uses them: {@code lr1} is the learning rate
     * over the first debias {@code 1 - mom^t}, {@code inv2} one over the second, {@code decay} is
     * {@code 1 - lr*wd}.
     */
    public record Step(
            float lr1, float inv2, float mom, float damp, float sqrMom, float sqrDamp, float eps, float decayOn) {
        public static Step of(double lr, double mom, double wd, long t) {
            return new Step(
                    (float) (lr / debias(mom, t)),
                    (float) (1 / debias(SQR_MOM, t)),
                    (float) mom,
                    (float) (1 - mom),
                    (float) SQR_MOM,
                    (float) (1 - SQR_MOM),
                    (float) EPS,
                    (float) (1 - lr * wd));
        }

        /** The weight-decay factor of a parameter: 1 for those fastai does not decay. */
        public float decay(boolean decays) {
            return decays ? decayOn : 1f;
        }
    }

    // fastai's debias(mom, 1-mom, step) with dampening: 1 - mom^t.
    private static double debias(double mom, long t) {
        return 1 - Math.pow(mom, t);
    }

    // ---- one element -------------------------------------------------------------------------

    /** weight_decay: {@code p * (1 - lr*wd)}, decoupled from the gradient. */
    static float weightDecay(float p, float decay) {
        return p * decay;
    }

    /** average_grad with dampening: {@code mom*avg + (1-mom)*g}. */
    static float averageGrad(float avg, float g, float mom, float damp) {
        return mom * avg + damp * g;
    }

    /** average_sqr_grad: {@code sqr_mom*s + (1-sqr_mom)*g^2}. */
    static float averageSqrGrad(float sqr, float g, float sqrMom, float sqrDamp) {
        return sqrMom * sqr + sqrDamp * g * g;
    }

    /** adam_step: {@code p - lr/debias1 * avg / (sqrt(s/debias2) + eps)}. */
    static float adamStep(float p, float avg, float sqr, float lr1, float inv2, float eps) {
        return p - lr1 * avg / ((float) Math.sqrt(sqr * inv2) + eps);
    }

    /**
     * The steppers fused into one pass over {@code len} elements, in place, every array at the
     * same index: that is the shape the JIT vectorises (separate output arrays, an offset on some
     * arrays, or a running check inside the loop each stopped it). {@link #finite} checks apart.
     */
    static void update(int len, float[] p, float[] g, float[] avg, float[] sqr, float decay, Step c) {
        update(0, len, p, g, avg, sqr, decay, c);
    }

    /** As above over elements [from, to) of every array (one range of a table, for a thread). */
    public static void update(int from, int to, float[] p, float[] g, float[] avg, float[] sqr, float decay, Step c) {
        float mom = c.mom(), damp = c.damp(), sqrMom = c.sqrMom(), sqrDamp = c.sqrDamp();
        float lr1 = c.lr1(), inv2 = c.inv2(), eps = c.eps();
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float m = averageGrad(avg[i], gi, mom, damp);
            float v = averageSqrGrad(sqr[i], gi, sqrMom, sqrDamp);
            avg[i] = m;
            sqr[i] = v;
            p[i] = adamStep(weightDecay(p[i], decay), m, v, lr1, inv2, eps);
        }
    }

    /** Whether the first {@code len} elements of all three arrays are finite. */
    static boolean finite(int len, float[] p, float[] avg, float[] sqr) {
        // x - x is 0 for a finite x and NaN otherwise: the sum is 0 exactly when all are finite.
        float bad = 0;
        for (int i = 0; i < len; i++) {
            bad += (p[i] - p[i]) + (avg[i] - avg[i]) + (sqr[i] - sqr[i]);
        }
        return bad == 0;
    }

    static float maxAbs(float[] a, int len) {
        float max = 0;
        for (int i = 0; i < len; i++) {
            max = Math.max(max, Math.abs(a[i]));
        }
        return max;
    }

    // ---- tensors -------------------------------------------------------------------------------

    /**
     * Tensor arithmetic for one step on a parameter's own device: scalars in the parameter's type,
     * and every result moved to {@code tmp} (an op's result belongs to its first operand's
     * manager, which for the long-lived state would keep it), so closing tmp frees them all.
     */
    record OnDevice(NDManager tmp, DataType type) {
        NDArray scalar(float v) {
            return tmp.create(v).toType(type, false);
        }

        NDArray temp(NDArray a) {
            a.attach(tmp);
            return a;
        }
    }

    static NDArray weightDecay(NDArray p, float decay, OnDevice t) {
        return t.temp(p.mul(t.scalar(decay)));
    }

    static NDArray averageGrad(NDArray avg, NDArray g, Step c, OnDevice t) {
        return t.temp(avg.mul(t.scalar(c.mom()))).add(t.temp(g.mul(t.scalar(c.damp()))));
    }

    static NDArray averageSqrGrad(NDArray sqr, NDArray g, Step c, OnDevice t) {
        return t.temp(sqr.mul(t.scalar(c.sqrMom())))
                .add(t.temp(g.mul(t.scalar(c.sqrDamp()))).mul(g));
    }

    static NDArray adamStep(NDArray p, NDArray avg, NDArray sqr, Step c, OnDevice t) {
        NDArray den = sqr.mul(t.scalar(c.inv2())).sqrt().add(t.scalar(c.eps()));
        return p.sub(avg.mul(t.scalar(c.lr1())).div(den));
    }

    /** Whether every element of the arrays is finite, in one number read back from the device. */
    static boolean finite(NDArray... arrays) {
        NDArray bad = null;
        for (NDArray a : arrays) {
            NDArray s = a.sub(a).sum();
            bad = bad == null ? s : bad.add(s);
        }
        return bad == null || bad.toType(DataType.FLOAT32, false).getFloat() == 0;
    }
}
