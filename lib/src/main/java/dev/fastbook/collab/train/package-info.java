/**
 * fastai's {@code Learner}: one training loop that calls callbacks at fastai's events, the one-cycle schedule,
 * losses, metrics, the recorder and the learning-rate finder.
 */
package dev.fastbook.collab.train;
