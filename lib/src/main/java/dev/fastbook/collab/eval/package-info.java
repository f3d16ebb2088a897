/**
 * Measuring models as the published benchmarks do: rating metrics (RMSE, MAE), ranking metrics at k, and the
 * ranking protocol that scores each test user's list.
 */
package dev.fastbook.collab.eval;
