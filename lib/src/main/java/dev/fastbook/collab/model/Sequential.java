package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

/** Runs its layers one after the other, like {@code nn.Sequential}; children are named 0, 1, 2... */
public class Sequential extends Module {
    public Sequential(Module... layers) {
        for (Module layer : layers) {
            add(layer);
        }
    }

    /** Appends a layer. */
    public Sequential add(Module layer) {
        register(String.valueOf(getChildren().size()), layer);
        return this;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray y = x;
        for (Block layer : getChildren().values()) {
            y = ((Module) layer).forward(y);
        }
        return y;
    }
}
