/**
 * The chapter's interpretation of a trained model: ordering by bias, PCA of the factors and the nearest films by
 * cosine similarity.
 */
package dev.fastbook.collab.interpret;
