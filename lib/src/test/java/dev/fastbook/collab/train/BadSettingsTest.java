package dev.fastbook.collab.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingDotBias;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** Callbacks and metrics given something they cannot use (issue 22): refused by name, or reported. */
class BadSettingsTest {
    private static final Table RATINGS = Fixtures.synthetic(60, 40, 0.5, 5);

    private static Learner<CollabDataLoaders, EmbeddingDotBias> learner() {
        Tensors.seed(3);
        return CollabLearner.collabLearner(
                        CollabDataLoaders.from(RATINGS).bs(64).seed(42).build(), 5, null)
                .quiet();
    }

    private static String printed(Runnable action) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void metricNamesAreUniqueAndNeverATableColumn() {
        var learn = learner();
        var builtIn =
                assertThrows(IllegalArgumentException.class, () -> learn.metrics(Metric.of("valid_loss", (p, y) -> 0)));
        assertEquals(
                "metrics[0] is named 'valid_loss', a column the results table already has [epoch, train_loss, valid_loss,"
                        + " time]: give it another name, e.g. 'valid_loss_2'.",
                builtIn.getMessage());
        var twice = assertThrows(
                IllegalArgumentException.class,
                () -> learn.metrics(Metric.of("mae", (p, y) -> 0), Metric.of("mae", (p, y) -> 1)));
        assertTrue(
                twice.getMessage().startsWith("metrics[1] is named 'mae' like an earlier metric"), twice.getMessage());
        assertTrue(learn.metrics().isEmpty(), "a refused list changes nothing");
    }

    @Test
    void aNullMonitorIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SaveModelCallback(null));
        assertTrue(
                e.getMessage().startsWith("SaveModelCallback's monitor is null: name a column of the results table"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new EarlyStoppingCallback(null, 2));
        assertTrue(e.getMessage().startsWith("EarlyStoppingCallback's monitor is null"), e.getMessage());
    }

    @Test
    void aNanMonitoredMetricIsReportedAndNeverAnImprovementAsInFastai() {
        var learn = learner().metrics(Metric.of("broken", (p, y) -> Double.NaN));
        var stop = new EarlyStoppingCallback("broken", 1);
        var keep = new SaveModelCallback("broken");
        String out = printed(() -> learn.fit(3, 1e-2, 0.01, stop, keep));
        assertTrue(
                out.contains("EarlyStoppingCallback: broken was NaN at epoch 0; a NaN never counts as an improvement"),
                out);
        assertTrue(out.contains("SaveModelCallback kept no epoch: broken was NaN in every epoch from epoch 0"), out);
        assertEquals(0, stop.nanEpoch());
        assertEquals(0, stop.stoppedEpoch(), "stopped as fastai stops: patience 1, no improvement");
        assertEquals(-1, keep.bestEpoch());
    }

    @Test
    void saveModelCallbackRefusesToOverwriteAnUnrelatedFile(@TempDir Path tmp) throws Exception {
        Path notes = tmp.resolve("notes.txt");
        Files.writeString(notes, "my notes, not a model\n");
        var learn = learner();
        learn.fit(1, 1e-2);
        String before = learn.toString();
        var e = assertThrows(
                IllegalArgumentException.class, () -> learn.fit(1, 1e-2, 0.01, new SaveModelCallback().fname(notes)));
        assertTrue(
                e.getMessage()
                                .startsWith("SaveModelCallback's fname " + notes
                                        + " exists and is not a saved copy of this" + " model's parameters")
                        && e.getMessage().contains("Choose another fname"),
                e.getMessage());
        assertEquals("my notes, not a model\n", Files.readString(notes));
        assertEquals(1, learn.results().size(), "the last fit's table is kept");
        assertEquals(before, learn.toString(), "a refused fit changes nothing");

        Path best = tmp.resolve("best.params");
        learn.fit(1, 1e-2, 0.01, new SaveModelCallback().fname(best));
        learn.fit(1, 1e-2, 0.01, new SaveModelCallback().fname(best)); // its own earlier file is fine
        assertTrue(Files.size(best) > 0);
    }
}
