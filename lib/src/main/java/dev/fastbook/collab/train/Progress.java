package dev.fastbook.collab.train;

import dev.fastbook.collab.display.Display;
import dev.fastbook.collab.display.Displayable;
import dev.fastbook.collab.display.LiveDisplay;
import java.util.Map;

/**
 * fastai's {@code ProgressCallback}: in a notebook, the progress bar and results table, redrawn in
 * place; in a plain JVM, the same table printed a line per epoch. A quiet learner has none.
 */
abstract class Progress implements Callback {
    @Override
    public boolean needsTensors() {
        return false;
    }

    static Progress create() {
        return Display.inNotebook() ? new Notebook() : new Console();
    }

    /** After the Recorder, which fills the table, and before callbacks at the default order. */
    @Override
    public int order() {
        return -10;
    }

    static final class Console extends Progress {
        @Override
        public void beforeFit(Learner<?, ?> learn) {
            System.out.println(learn.results().headerLine());
        }

        @Override
        public void afterEpoch(Learner<?, ?> learn) {
            ResultsTable table = learn.results();
            System.out.println(table.line(table.last()));
            System.out.flush();
        }
    }

    static final class Notebook extends Progress {
        private static final long REDRAW_NANOS = 300_000_000L;
        private LiveDisplay handle;
        private ResultsTable table;
        private int shownEpoch;
        private long epochStart, lastDraw;

        @Override
        public void beforeFit(Learner<?, ?> learn) {
            table = learn.results();
            epochStart = lastDraw = System.nanoTime();
            shownEpoch = 0;
            handle = Display.show(view(bar(0, learn.nEpoch(), "")));
        }

        /** Cheap unless it is time to redraw. */
        @Override
        public void afterBatch(Learner<?, ?> learn) {
            if (!learn.training()) {
                return;
            }
            long now = System.nanoTime();
            if (learn.epoch() != shownEpoch) {
                shownEpoch = learn.epoch();
                epochStart = now;
            }
            if (now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            int batch = learn.iter(), batches = learn.nIter();
            double elapsed = (now - epochStart) / 1e9;
            double left = batch == 0 ? 0 : elapsed / (batch + 1) * (batches - batch - 1);
            String inner = bar(
                    batch + 1,
                    batches,
                    ResultsTable.time(elapsed) + "&lt;" + ResultsTable.time(left) + " "
                            + ResultsTable.fmt(learn.recorder().smoothLoss()));
            handle.update(view(bar(learn.epoch(), learn.nEpoch(), "") + "\n" + inner));
        }

        @Override
        public void afterEpoch(Learner<?, ?> learn) {
            handle.update(view(bar(learn.epoch() + 1, learn.nEpoch(), "")));
        }

        @Override
        public void cleanupFit(Learner<?, ?> learn) {
            if (handle != null) {
                handle.update(table);
            }
        }

        private Object view(String progressHtml) {
            Map<String, String> m = Displayable.htmlAndText(progressHtml + "\n" + table.html(), table.text());
            return (Displayable) () -> m;
        }

        private static String bar(int done, int total, String detail) {
            double pct = total == 0 ? 100 : 100.0 * done / total;
            return String.format(
                    java.util.Locale.ROOT,
                    "<div><progress value='%d' max='%d' style='width:300px;height:20px;vertical-align:middle;'></progress>"
                            + " %.2f%% [%d/%d %s]</div>",
                    done,
                    total,
                    pct,
                    done,
                    total,
                    detail);
        }
    }
}
