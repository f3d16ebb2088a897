/**
 * Models for ranked lists from implicit feedback (what a user rated, not how): BPR's pairwise loss and its
 * sampling loaders, and the popularity baseline.
 */
package dev.fastbook.collab.implicit;
