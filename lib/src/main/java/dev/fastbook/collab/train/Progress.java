package dev.fastbook.collab.train;

import dev.fastbook.collab.display.Display;
import dev.fastbook.collab.display.Displayable;
import dev.fastbook.collab.display.LiveDisplay;

import java.util.Map;

/**
 * How training shows itself: in a notebook, fastai's progress bar and results table, redrawn in
 * place; in a plain JVM, the same table printed a line per epoch.
 */
abstract class Progress {
    static Progress create() {
        return Display.inNotebook() ? new Notebook() : new Console();
    }

    /** Shows nothing (fastai's {@code no_bar()} with {@code no_logging()}), e.g. inside a sweep. */
    static Progress silent() {
        return new Progress() {
            @Override void begin(ResultsTable table, int epochs, int batchesPerEpoch) {}
            @Override void batch(int epoch, int batch, double smoothLoss) {}
            @Override void epoch(ResultsTable table, ResultsTable.Row row) {}
            @Override void end(ResultsTable table) {}
        };
    }

    abstract void begin(ResultsTable table, int epochs, int batchesPerEpoch);

    /** Called after every training batch; cheap unless it is time to redraw. */
    abstract void batch(int epoch, int batch, double smoothLoss);

    abstract void epoch(ResultsTable table, ResultsTable.Row row);

    abstract void end(ResultsTable table);

    static final class Console extends Progress {
        @Override
        void begin(ResultsTable table, int epochs, int batchesPerEpoch) {
            System.out.println(ResultsTable.header().strip());
        }

        @Override
        void batch(int epoch, int batch, double smoothLoss) {}

        @Override
        void epoch(ResultsTable table, ResultsTable.Row row) {
            System.out.println(ResultsTable.line(row).strip());
            System.out.flush();
        }

        @Override
        void end(ResultsTable table) {}
    }

    static final class Notebook extends Progress {
        private static final long REDRAW_NANOS = 300_000_000L;
        private LiveDisplay handle;
        private ResultsTable table;
        private int epochs, batches, shownEpoch;
        private long epochStart, lastDraw;

        @Override
        void begin(ResultsTable table, int epochs, int batchesPerEpoch) {
            this.table = table;
            this.epochs = epochs;
            this.batches = batchesPerEpoch;
            epochStart = lastDraw = System.nanoTime();
            shownEpoch = 0;
            handle = Display.show(view(bar(0, epochs, "")));
        }

        @Override
        void batch(int epoch, int batch, double smoothLoss) {
            long now = System.nanoTime();
            if (epoch != shownEpoch) {
                shownEpoch = epoch;
                epochStart = now;
            }
            if (now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            double elapsed = (now - epochStart) / 1e9;
            double left = batch == 0 ? 0 : elapsed / (batch + 1) * (batches - batch - 1);
            String inner = bar(batch + 1, batches, ResultsTable.time(elapsed) + "&lt;" + ResultsTable.time(left)
                    + " " + ResultsTable.fmt(smoothLoss));
            handle.update(view(bar(epoch, epochs, "") + "\n" + inner));
        }

        @Override
        void epoch(ResultsTable table, ResultsTable.Row row) {
            handle.update(view(bar(row.epoch() + 1, epochs, "")));
        }

        @Override
        void end(ResultsTable table) {
            handle.update(table);
        }

        private Object view(String progressHtml) {
            Map<String, String> m = Displayable.htmlAndText(progressHtml + "\n" + table.html(), table.text());
            return (Displayable) () -> m;
        }

        private static String bar(int done, int total, String detail) {
            double pct = total == 0 ? 100 : 100.0 * done / total;
            return String.format(java.util.Locale.ROOT,
                    "<div><progress value='%d' max='%d' style='width:300px;height:20px;vertical-align:middle;'></progress>"
                            + " %.2f%% [%d/%d %s]</div>", done, total, pct, done, total, detail);
        }
    }
}
