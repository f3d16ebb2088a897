package dev.fastbook.collab.data;

import java.util.Arrays;

/** Every row of a loader as its (user, item) vocabulary indices, read once through its public batches. */
public final class UserItemPairs {
    private UserItemPairs() {}

    /** {@code {users, items}}: every row's first two columns, {@code #na#} (index 0) included. */
    public static int[][] of(DataLoader loader) {
        return read(loader, false);
    }

    /** The same without the rows whose user or item is {@code #na#} (seen only outside training). */
    public static int[][] known(DataLoader loader) {
        return read(loader, true);
    }

    private static int[][] read(DataLoader loader, boolean knownOnly) {
        int n = loader.n();
        int[] u = new int[n];
        int[] i = new int[n];
        int k = 0;
        for (Batch b : loader.withBs(Math.max(1, n))) {
            try (b) {
                long[] x = b.x().toLongArray();
                int width = (int) b.x().getShape().get(1);
                for (int r = 0; r + 1 < x.length; r += width) {
                    if (!knownOnly || (x[r] != 0 && x[r + 1] != 0)) {
                        u[k] = (int) x[r];
                        i[k++] = (int) x[r + 1];
                    }
                }
            }
        }
        return new int[][] {Arrays.copyOf(u, k), Arrays.copyOf(i, k)};
    }
}
