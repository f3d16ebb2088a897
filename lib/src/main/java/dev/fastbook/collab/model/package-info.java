/**
 * The models, as PyTorch modules on DJL: embeddings, linear and batch-norm layers, the chapter's dot product with
 * biases ({@link dev.fastbook.collab.model.EmbeddingDotBias}) and its neural network.
 */
package dev.fastbook.collab.model;
