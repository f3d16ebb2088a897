package dev.fastbook.collab.model;

/**
 * The MLP that fastai's collab and tabular models end with: per hidden size Linear (no bias) -> ReLU
 * -> BatchNorm1d, then a Linear to one output, squashed into the y range when there is one.
 */
final class MlpHead {
    private MlpHead() {
    }

    // Refused before a weight exists: a size below 1 otherwise fails deep inside the engine at the
    // first batch ("index 0 out of range", "The shape must be >= -1").
    static void checkHidden(int[] hidden) {
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i] < 1) {
                throw new IllegalArgumentException("Hidden layer " + (i + 1) + " of " + hidden.length + " (layers[" + i
                        + "]) has size " + hidden[i] + ": each layer needs at least 1 unit, e.g. new int[] {100, 50}.");
            }
        }
    }

    /** Appends the head, taking {@code in} inputs, to {@code layers}. */
    static void append(Sequential layers, int in, int[] hidden, YRange yRange) {
        for (int h : hidden) {
            layers.add(new Sequential(new Linear(in, h, false), Layers.relu(), new BatchNorm1d(h)));
            in = h;
        }
        layers.add(new Linear(in, 1, true));
        if (yRange != null) {
            layers.add(Layers.sigmoidRange(yRange.lo(), yRange.hi()));
        }
    }
}
