package dev.fastbook.collab.recommend;

import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.EmbeddingDotBias;

/**
 * A copy of an {@link EmbeddingDotBias}'s weights in Java arrays, taken when a recommendation
 * starts: later training does not change a computation under way, and the Java-side loops read
 * plain arrays instead of crossing into native code per row.
 */
final class Factors {
    final int nUsers;
    final int nItems;
    final int f;
    /** {@code nUsers x f}, row-major. */
    final float[] user;

    final float[] userBias;
    /** {@code nItems x f}, row-major. */
    final float[] item;

    final float[] itemBias;

    private Factors(EmbeddingDotBias m) {
        f = m.factors();
        float[][] parts = Tensors.noGrad(() -> new float[][] {
            m.uWeight.weight().toFloatArray(), m.uBias.weight().toFloatArray(),
            m.iWeight.weight().toFloatArray(), m.iBias.weight().toFloatArray()
        });
        user = parts[0];
        userBias = parts[1];
        item = parts[2];
        itemBias = parts[3];
        nUsers = userBias.length;
        nItems = itemBias.length;
    }

    private Factors(Factors items, float[] user, float[] userBias) {
        f = items.f;
        this.user = user;
        this.userBias = userBias;
        item = items.item;
        itemBias = items.itemBias;
        nUsers = userBias.length;
        nItems = items.nItems;
    }

    static Factors of(EmbeddingDotBias m) {
        return new Factors(m);
    }

    /** These items with one user, {@code w} (its factors, then its bias): a new user beside the model's. */
    Factors withOneUser(double[] w) {
        float[] u = new float[f];
        for (int j = 0; j < f; j++) {
            u[j] = (float) w[j];
        }
        return new Factors(this, u, new float[] {(float) w[f]});
    }

    /** One item's factors as a fresh array. */
    float[] itemRow(int i) {
        float[] out = new float[f];
        System.arraycopy(item, i * f, out, 0, f);
        return out;
    }
}
