package dev.fastbook.collab.implicit;

/**
 * The popularity baseline: every user gets the items rated most often in the training rows
 * (those they have not rated), the reference any personal ranking has to beat.
 */
public final class Popularity {
    private Popularity() {}

    /** How often each item index in {@code [0, nItems)} appears in {@code trainItems}; a score per item. */
    public static float[] scores(int[] trainItems, int nItems) {
        float[] counts = new float[nItems];
        for (int item : trainItems) {
            if (item < 0 || item >= nItems) {
                throw new IllegalArgumentException("Item index " + item + " is outside 0.." + (nItems - 1)
                        + ": encode the items with the same vocabulary as nItems counts.");
            }
            counts[item]++;
        }
        return counts;
    }
}
