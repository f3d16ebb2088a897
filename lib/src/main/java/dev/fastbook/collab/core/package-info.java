/**
 * Small things every other package shares: the DJL engine's set-up and seeds ({@link dev.fastbook.collab.core.Tensors}),
 * vocabularies ({@link dev.fastbook.collab.core.Vocab}), and file writes that are never left half done
 * ({@link dev.fastbook.collab.core.SafeFiles}, {@link dev.fastbook.collab.core.VersionedFolder}).
 */
package dev.fastbook.collab.core;
