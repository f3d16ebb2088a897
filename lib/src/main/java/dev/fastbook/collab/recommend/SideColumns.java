package dev.fastbook.collab.recommend;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Users' and items' extra category codes, looked up by index and appended to a model's (user, item) rows. */
final class SideColumns {
    private final int userWidth;
    private final int itemWidth;
    private final long[] userFlat;
    private final long[] itemFlat;

    private SideColumns(int userWidth, long[] userFlat, int itemWidth, long[] itemFlat) {
        this.userWidth = userWidth;
        this.userFlat = userFlat;
        this.itemWidth = itemWidth;
        this.itemFlat = itemFlat;
    }

    static SideColumns of(int[][] userColumns, int[][] itemColumns) {
        int cu = width(userColumns, "userColumns");
        int ci = width(itemColumns, "itemColumns");
        return new SideColumns(cu, flat(userColumns, cu), ci, flat(itemColumns, ci));
    }

    /** Adds the users' columns, then the items', to {@code parts} (columns of one batch). */
    void append(NDList parts, NDArray users, NDArray items) {
        NDManager m = users.getManager();
        if (userWidth > 0) {
            parts.add(m.create(userFlat, new Shape(userFlat.length / userWidth, userWidth))
                    .get(users));
        }
        if (itemWidth > 0) {
            parts.add(m.create(itemFlat, new Shape(itemFlat.length / itemWidth, itemWidth))
                    .get(items));
        }
    }

    private static int width(int[][] rows, String name) {
        if (rows == null || rows.length == 0) {
            return 0;
        }
        int w = rows[0] == null ? 0 : rows[0].length;
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != w) {
                throw new IllegalArgumentException(name + "[" + r + "] has " + (rows[r] == null ? "no" : rows[r].length)
                        + " values, row 0 has " + w + ": give every row the same columns (row 0 is #na#).");
            }
        }
        return w;
    }

    private static long[] flat(int[][] rows, int w) {
        if (w == 0) {
            return new long[0];
        }
        long[] flat = new long[rows.length * w];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < w; c++) {
                flat[r * w + c] = rows[r][c];
            }
        }
        return flat;
    }
}
