/**
 * The loader pipeline, as fastai's {@code DataLoaders}: which columns are users, items and ratings, the split,
 * vocabularies and normalisation, and iterable batches ({@link dev.fastbook.collab.data.CollabDataLoaders}).
 */
package dev.fastbook.collab.data;
