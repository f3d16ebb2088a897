package dev.fastbook.collab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

class RecorderTest {

    @Test
    void smoothsLikeFastaisAvgSmoothLoss() {
        Recorder r = new Recorder();
        r.beginFit();
        assertEquals(1.0, r.batch(1e-3, 1.0), 1e-12); // debiased: the first value is the loss itself
        // (0.98 * 0.02 * 1 + 0.02 * 2) / (1 - 0.98^2) = 0.0596 / 0.0396
        assertEquals(0.0596 / 0.0396, r.batch(2e-3, 2.0), 1e-12);
        assertEquals(List.of(1e-3, 2e-3), r.lrs());
        assertEquals(2, r.losses().size());
    }

    @Test
    void plotLossPutsEachValidLossAtTheBatchItFollows() {
        Recorder r = new Recorder();
        r.beginFit();
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int b = 0; b < 3; b++) {
                r.batch(1e-3, 1.0 - 0.1 * (3 * epoch + b));
            }
            r.epoch(0.9 - 0.1 * epoch);
        }
        XYChart chart = r.plotLoss();
        assertEquals(List.of("train", "valid"), List.copyOf(chart.getSeriesMap().keySet()));
        assertArrayEquals(
                new double[] {0, 1, 2, 3, 4, 5},
                chart.getSeriesMap().get("train").getXData());
        assertArrayEquals(new double[] {3, 6}, chart.getSeriesMap().get("valid").getXData());
        assertArrayEquals(
                new double[] {0.9, 0.8}, chart.getSeriesMap().get("valid").getYData(), 1e-12);
    }

    @Test
    void beginFitStartsAfresh() {
        Recorder r = new Recorder();
        r.beginFit();
        r.batch(1e-3, 5.0);
        r.epoch(4.0);
        r.beginFit();
        assertTrue(r.losses().isEmpty() && r.lrs().isEmpty() && r.validLosses().isEmpty());
        assertEquals(3.0, r.batch(1e-3, 3.0), 1e-12); // the average starts again too
    }

    @Test
    void printsWhatItRecorded() {
        Recorder r = new Recorder();
        assertEquals("Recorder: nothing recorded yet (fit first)", r.toString());
        r.beginFit();
        r.batch(1e-4, 2.0);
        r.batch(5e-3, 2.0);
        r.epoch(1.25);
        assertEquals(
                "Recorder: 2 batches, 1 epoch; lr 1.00e-04..5.00e-03; smoothed train loss 2.0000 -> 2.0000;"
                        + " valid loss per epoch 1.2500",
                r.toString());
    }

    @Test
    void resultsTablePrintsLikeFastaiAndSaysWhenEmpty() {
        ResultsTable t = new ResultsTable();
        assertTrue(t.toString().endsWith("(no epochs yet)"), t.toString());
        t.add(new ResultsTable.Row(0, 0.934195, 0.947884, 63));
        assertEquals("epoch     train_loss  valid_loss  time\n0         0.934195    0.947884    01:03", t.toString());
    }
}
