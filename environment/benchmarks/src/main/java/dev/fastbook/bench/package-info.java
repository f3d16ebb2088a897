/**
 * The benchmark programs behind {@code environment/bench}: the chapter's training against the PyTorch peer, the
 * full-MovieLens scale run, the leaderboard, and single timing programs run with {@code --main}.
 */
package dev.fastbook.bench;
