/**
 * Reading rating files of any source (tab-separated, {@code ::}-separated, CSV with a header read by name) into
 * columns, refusing a malformed line with its file, line and what is wrong.
 */
package dev.fastbook.collab.formats;
