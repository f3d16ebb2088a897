/**
 * Recommending with any trained model: top-K for one user or every user with rated items excluded, a new user
 * from a few ratings, and saving and loading a model for serving.
 */
package dev.fastbook.collab.recommend;
