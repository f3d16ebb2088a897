/**
 * Showing tables and charts inline in Jupyter: HTML tables and XChart plots for rapaio-jupyter-kernel and IJava,
 * and plain text in any other JVM.
 */
package dev.fastbook.collab.display;
