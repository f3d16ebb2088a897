/**
 * Fetching a file over HTTP with deadlines and a progress bar, and unpacking a zip with its checks; nothing
 * half-downloaded is left behind.
 */
package dev.fastbook.collab.download;
