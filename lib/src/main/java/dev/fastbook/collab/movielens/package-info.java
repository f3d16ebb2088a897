/**
 * The MovieLens catalogue: every release by name ({@link dev.fastbook.collab.movielens.MovieLens}), where its files
 * are found or downloaded, ml-100k's official splits, genres and users.
 */
package dev.fastbook.collab.movielens;
