package dev.fastbook.collab.download;

import java.io.PrintStream;

/** A one-line text progress bar for a download, redrawn with '\r' (Jupyter front ends honour it too). */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String name;
    private final long total;
    private long shown = -1; // last percent (or MB when the size is unknown) printed

    /** @param total the size in bytes, or a negative number when it is unknown */
    ProgressBar(PrintStream out, String name, long total) {
        this.out = out;
        this.name = name;
        this.total = total;
    }

    void update(long bytes) {
        long step = total > 0 ? bytes * 100 / total : bytes >> 20;
        if (step == shown) {
            return;
        }
        shown = step;
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, bytes * WIDTH / total);
            out.printf(
                    "\rDownloading %s [%s%s] %3d%% %.1f/%.1f MB",
                    name, "#".repeat(filled), ".".repeat(WIDTH - filled), step, bytes / 1e6, total / 1e6);
        } else {
            out.printf("\rDownloading %s %.1f MB", name, bytes / 1e6);
        }
        out.flush();
    }

    void done() {
        if (shown >= 0) {
            out.println();
        }
    }
}
