package dev.fastbook.collab.recommend;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.Supplier;

/**
 * The dot-product model's scores, a block of users at a time by one matrix product (users x
 * factors times factors x items, done by libtorch's BLAS) read in place from native memory. Both
 * biases ride along as two more factors: a user row is {@code [factors, 1, bias]}, an item column
 * {@code [factors, bias, 1]}. Scores are raw (before the y range's squash, which keeps the order);
 * {@link #predicted} squashes them.
 */
public final class FactorScorer implements Scorer {
    /**
     * Scores per block stay under this many floats (30 MB), whatever the catalogue size. Under
     * 32 MB glibc's malloc reuses the freed block for the next one; a larger block is a fresh
     * mmap each time, and its page faults cost more than the product (environment/BENCHMARKS.md,
     * "The full MovieLens").
     */
    static int maxBlockFloats = 7_500_000;
    /**
     * At most this many users per matrix product; more stops paying off. The system property
     * {@code fastbook.recommend.blockUsers} sets it, for measurements.
     */
    static int maxBlockUsers = Integer.getInteger("fastbook.recommend.blockUsers", 1024);

    private final Supplier<Factors> factors;
    private final int nItems;
    private final YRange yRange;

    private FactorScorer(Supplier<Factors> factors, int nItems, YRange yRange) {
        this.factors = factors;
        this.nItems = nItems;
        this.yRange = yRange;
    }

    /** The model's factors, read again at each {@link #scoreRows} call. */
    public static FactorScorer of(EmbeddingDotBias model) {
        return new FactorScorer(
                () -> Factors.of(model), (int) model.iBias.weight().getShape().get(0), model.yRange());
    }

    /** These factors (e.g. a new user's, fitted beside the model's items). */
    static FactorScorer of(Factors fx, YRange yRange) {
        return new FactorScorer(() -> fx, fx.nItems, yRange);
    }

    @Override
    public int items() {
        return nItems;
    }

    @Override
    public double predicted(float score) {
        return squashed(yRange, score);
    }

    static double squashed(YRange range, double score) {
        return range == null ? score : range.squash(score);
    }

    @Override
    public void scoreRows(int[] users, int threads, Rows rows) {
        Factors fx = factors.get();
        int f = fx.f;
        int f2 = f + 2;
        int block = (int) Math.max(1, Math.min(maxBlockUsers, maxBlockFloats / nItems));
        // (f + 2) x nItems: the item factors transposed, then the item biases, then ones for the user bias
        float[] itemT = new float[f2 * nItems];
        for (int i = 0; i < nItems; i++) {
            for (int j = 0; j < f; j++) {
                itemT[j * nItems + i] = fx.item[i * f + j];
            }
            itemT[f * nItems + i] = fx.itemBias[i];
            itemT[(f + 1) * nItems + i] = 1f;
        }
        try (NDManager shared = Tensors.manager().newSubManager()) {
            NDArray items = shared.create(itemT, new Shape(f2, nItems));
            Blocks.run(users.length, block, threads, () -> {
                float[] row = new float[nItems];
                float[] userBlock = new float[block * f2];
                return (from, to) -> {
                    int n = to - from;
                    for (int r = 0; r < n; r++) {
                        int u = users[from + r];
                        System.arraycopy(fx.user, u * f, userBlock, r * f2, f);
                        userBlock[r * f2 + f] = 1f;
                        userBlock[r * f2 + f + 1] = fx.userBias[u];
                    }
                    try (NDManager local = shared.newSubManager()) {
                        NDArray ub = local.create(FloatBuffer.wrap(userBlock, 0, n * f2), new Shape(n, f2));
                        NDArray s = ub.matMul(items); // attached to ub's manager: freed with the block
                        // a view of the native scores (no copy); read before the block's manager closes
                        FloatBuffer view = s.toByteBuffer(true)
                                .order(ByteOrder.nativeOrder())
                                .asFloatBuffer();
                        for (int r = 0; r < n; r++) {
                            view.get(r * nItems, row, 0, nItems);
                            rows.accept(from + r, row);
                        }
                    }
                };
            });
        }
    }
}
