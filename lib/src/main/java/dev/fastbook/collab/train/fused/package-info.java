/**
 * The small-batch training path of the chapter's dot-product model: forward pass, MSE gradient and
 * fastai's exact Adam step in plain Java arrays ({@link dev.fastbook.collab.train.fused.DotBiasStep}),
 * which the {@code Learner} takes when it applies ({@code learn.fused(...)}, {@code learn.trainingPath()}).
 */
package dev.fastbook.collab.train.fused;
