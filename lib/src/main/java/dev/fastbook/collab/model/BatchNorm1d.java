package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.fastbook.collab.core.Tensors;

/**
 * Batch normalisation over features, initialised as fastai's {@code BatchNorm}: weight 1,
 * bias 1e-3, eps 1e-5, momentum 0.1 (PyTorch's meaning: new = 0.9 old + 0.1 batch).
 */
public class BatchNorm1d extends Module {
    final Parameter weight;
    final Parameter bias;
    final Parameter runningMean;
    final Parameter runningVar;
    private final int features;

    public BatchNorm1d(int features) {
        this.features = features;
        var m = Tensors.manager();
        var shape = new ai.djl.ndarray.types.Shape(features);
        weight = Layers.parameter("weight", Parameter.Type.GAMMA, m.ones(shape));
        bias = Layers.parameter("bias", Parameter.Type.BETA, m.full(shape, 1e-3f));
        runningMean = Layers.buffer("running_mean", Parameter.Type.RUNNING_MEAN, m.zeros(shape));
        runningVar = Layers.buffer("running_var", Parameter.Type.RUNNING_VAR, m.ones(shape));
    }

    @Override
    public NDArray forward(NDArray x) {
        // DJL takes MXNet's momentum (share of the old value) and hands torch 1 - momentum; axis -1
        // on a [batch, features] input is torch.batch_norm's own layout.
        return x.getNDArrayInternal()
                .batchNorm(
                        x,
                        runningMean.getArray(),
                        runningVar.getArray(),
                        weight.getArray(),
                        bias.getArray(),
                        -1,
                        0.9f,
                        1e-5f,
                        isTraining())
                .singletonOrThrow();
    }

    @Override
    protected String extraRepr() {
        return features + ", eps=1e-05, momentum=0.1, affine=True, track_running_stats=True";
    }
}
