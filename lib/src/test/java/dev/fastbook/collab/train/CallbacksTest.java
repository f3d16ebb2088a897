package dev.fastbook.collab.train;

import static dev.fastbook.collab.train.LearnerTest.captureStdout;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class CallbacksTest {
    private static final Table RATINGS = Fixtures.synthetic(120, 80, 0.5, 11);

    private static Learner<CollabDataLoaders, EmbeddingDotBias> learner() {
        Tensors.seed(42);
        CollabDataLoaders dls = CollabDataLoaders.from(RATINGS).bs(64).seed(42).build();
        return CollabLearner.collabLearner(dls, 8, YRange.of(0, 5.5)).quiet();
    }

    /** Writes each event's name, batch events once per phase, as fastai's docs list them. */
    static final class Events implements Callback {
        final List<String> seen = new ArrayList<>();

        private void log(String event, Learner<?, ?> learn) {
            String e = (learn.training() ? "" : "valid ") + event;
            if (!seen.contains(e) || !e.matches(".*(Batch|Pred|Loss|Backward|Step)")) {
                seen.add(e);
            }
        }

        @Override
        public void beforeFit(Learner<?, ?> l) {
            seen.add("beforeFit");
        }

        @Override
        public void beforeEpoch(Learner<?, ?> l) {
            seen.add("beforeEpoch " + l.epoch());
        }

        @Override
        public void beforeTrain(Learner<?, ?> l) {
            seen.add("beforeTrain");
        }

        @Override
        public void beforeBatch(Learner<?, ?> l) {
            log("beforeBatch", l);
        }

        @Override
        public void afterPred(Learner<?, ?> l) {
            log("afterPred", l);
        }

        @Override
        public void afterLoss(Learner<?, ?> l) {
            log("afterLoss", l);
        }

        @Override
        public void beforeBackward(Learner<?, ?> l) {
            log("beforeBackward", l);
        }

        @Override
        public void beforeStep(Learner<?, ?> l) {
            log("beforeStep", l);
        }

        @Override
        public void afterStep(Learner<?, ?> l) {
            log("afterStep", l);
        }

        @Override
        public void afterBatch(Learner<?, ?> l) {
            log("afterBatch", l);
        }

        @Override
        public void afterTrain(Learner<?, ?> l) {
            seen.add("afterTrain");
        }

        @Override
        public void beforeValidate(Learner<?, ?> l) {
            seen.add("beforeValidate");
        }

        @Override
        public void afterValidate(Learner<?, ?> l) {
            seen.add("afterValidate");
        }

        @Override
        public void afterEpoch(Learner<?, ?> l) {
            seen.add("afterEpoch " + l.results().size());
        }

        @Override
        public void afterFit(Learner<?, ?> l) {
            seen.add("afterFit");
        }

        @Override
        public void cleanupFit(Learner<?, ?> l) {
            seen.add("cleanupFit");
        }
    }

    @Test
    void eventsComeInFastaisOrderAndSeeTheRecordersResults() {
        var learn = learner();
        Events events = new Events();
        learn.fit(1, 1e-3, 0.1, events);
        assertEquals(
                List.of(
                        "beforeFit",
                        "beforeEpoch 0",
                        "beforeTrain",
                        "beforeBatch",
                        "afterPred",
                        "afterLoss",
                        "beforeBackward",
                        "beforeStep",
                        "afterStep",
                        "afterBatch",
                        "afterTrain",
                        "beforeValidate",
                        "valid beforeBatch",
                        "valid afterPred",
                        "valid afterLoss",
                        "valid afterBatch",
                        "afterValidate",
                        "afterEpoch 1",
                        "afterFit",
                        "cleanupFit"),
                events.seen);
        // a fit's callbacks are for that fit only
        learn.fit(1, 1e-3, 0.1);
        assertEquals(20, events.seen.size());
        assertTrue(learn.cbs().isEmpty());
    }

    @Test
    void aCallbackSetsTheLearningRateAndSeesEveryBatch() {
        var learn = learner();
        List<Double> lrs = new ArrayList<>();
        int[] batches = {0};
        learn.addCb(new Callback() {
            @Override
            public void beforeBatch(Learner<?, ?> l) {
                if (l.training()) {
                    l.setLr(1e-4 * (l.iter() + 1));
                }
            }

            @Override
            public void afterBatch(Learner<?, ?> l) {
                if (l.training()) {
                    batches[0]++;
                    lrs.add(l.lr());
                    assertNotNull(l.pred());
                    assertTrue(Double.isFinite(l.loss()));
                }
            }
        });
        learn.fit(2, 1e-3, 0.1);
        int nb = learn.dls().train().size();
        assertEquals(2 * nb, batches[0]);
        assertEquals(1e-4 * nb, lrs.get(nb - 1), 1e-15);
        assertEquals(learn.recorder().lrs(), lrs, "the Recorder records the rate the step used");
    }

    @Test
    void cancelFitEndsAfterTheEpochAndAfterFitStillRuns() {
        var learn = learner();
        Events events = new Events();
        learn.addCbs(
                new Callback() {
                    @Override
                    public void afterEpoch(Learner<?, ?> l) {
                        if (l.epoch() == 1) {
                            throw new CancelFitException();
                        }
                    }
                },
                events);
        learn.fitOneCycle(5, 5e-3, 0.1);
        assertEquals(2, learn.results().size());
        assertEquals(
                List.of("afterFit", "cleanupFit"), events.seen.subList(events.seen.size() - 2, events.seen.size()));
        assertTrue(learn.toString().contains("fit stopped by a callback after 2 of 5 epochs"), learn.toString());
    }

    @Test
    void cancelTrainSkipsTheRestOfTheEpochsBatches() {
        var learn = learner();
        learn.addCb(new Callback() {
            @Override
            public void beforeBatch(Learner<?, ?> l) {
                if (l.training() && l.iter() == 3) {
                    throw new CancelTrainException();
                }
            }
        });
        learn.fit(2, 1e-3, 0.1);
        assertEquals(2 * 3, learn.opt().steps());
        assertEquals(2, learn.results().size());
    }

    @Test
    void cancelBatchValidAndEpochSkipTheirStageAndStillFireItsAfterEvent() {
        var learn = learner();
        int nb = learn.dls().train().size();
        int[] afterBatch = {0};
        List<String> seen = new ArrayList<>();
        learn.addCb(new Callback() {
            @Override
            public void beforeBatch(Learner<?, ?> l) {
                if (l.training() && l.epoch() == 0 && l.iter() % 2 == 0) {
                    throw new CancelBatchException(); // before the forward pass: no step
                }
            }

            @Override
            public void afterBatch(Learner<?, ?> l) {
                afterBatch[0] += l.training() && l.epoch() == 0 ? 1 : 0;
            }

            @Override
            public void beforeValidate(Learner<?, ?> l) {
                if (l.epoch() == 0) {
                    throw new CancelValidException();
                }
            }

            @Override
            public void afterValidate(Learner<?, ?> l) {
                seen.add("afterValidate " + l.epoch());
            }

            @Override
            public void beforeEpoch(Learner<?, ?> l) {
                if (l.epoch() == 1) {
                    throw new CancelEpochException();
                }
            }

            @Override
            public void afterEpoch(Learner<?, ?> l) {
                seen.add("afterEpoch " + l.epoch());
            }
        });
        learn.fit(3, 1e-3, 0.1);
        // epoch 0 stepped on odd batches only, epoch 1 was skipped whole, epoch 2 ran every batch
        assertEquals(nb / 2 + nb, learn.opt().steps());
        assertEquals(nb, afterBatch[0], "afterBatch runs for a cancelled batch too");
        assertEquals(
                List.of("afterValidate 0", "afterEpoch 0", "afterEpoch 1", "afterValidate 2", "afterEpoch 2"), seen);
        assertTrue(Double.isNaN(learn.results().rows().get(0).validLoss()), "a cancelled validation has no loss");
    }

    @Test
    void metricsAreColumnsOverTheWholeValidationSet() {
        var learn = learner()
                .metrics(
                        Metric.rmse(),
                        Metric.mae(),
                        Metric.of("mse", (p, t) -> p.sub(t).square().mean().getFloat()));
        learn.fitOneCycle(2, 5e-3, 0.1);
        ResultsTable t = learn.results();
        assertEquals(List.of("rmse", "mae", "mse"), t.metricNames());
        ResultsTable.Row last = t.last();
        assertEquals(last.validLoss(), Math.pow(last.value("rmse"), 2), 1e-5 * last.validLoss());
        assertEquals(last.validLoss(), last.value("mse"), 1e-5 * last.validLoss());
        assertTrue(last.value("mae") > 0 && last.value("mae") < last.value("rmse"));
        assertTrue(t.html().contains("<th>rmse</th>") && t.html().contains("<th>mae</th>"), t.html());
        assertTrue(
                t.text().startsWith("epoch     train_loss  valid_loss  rmse        mae         mse         time"),
                t.text());
        assertEquals(
                List.of("epoch", "train_loss", "valid_loss", "rmse", "mae", "mse", "time"),
                t.toTable().columnNames());
        // validate(dl) gives the same figures on any loader; validate() the loss alone
        Map<String, Double> v = learn.validate(learn.dls().valid());
        assertEquals(List.of("valid_loss", "rmse", "mae", "mse"), List.copyOf(v.keySet()));
        assertEquals(last.validLoss(), v.get("valid_loss"), 0.0);
        assertEquals(last.value("rmse"), v.get("rmse"), 0.0);
        assertEquals(learn.validate(), v.get("valid_loss"), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> last.value("rsme"));
        assertTrue(e.getMessage().contains("[train_loss, valid_loss, rmse, mae, mse]"), e.getMessage());
    }

    @Test
    void theConsoleTableShowsTheMetrics() {
        Tensors.seed(42);
        var learn = CollabLearner.collabLearner(
                        CollabDataLoaders.from(RATINGS).bs(64).seed(42).build(), 8, YRange.of(0, 5.5))
                .metrics(Metric.rmse());
        String out = captureStdout(() -> learn.fitOneCycle(1, 5e-3, 0.1));
        String[] lines = out.strip().split("\n");
        assertEquals("epoch     train_loss  valid_loss  rmse        time", lines[0]);
        assertTrue(lines[1].matches("0 +[0-9.]+ +[0-9.]+ +[0-9.]+ +00:0[0-9]"), lines[1]);
    }

    /** A metric that reads a scripted value per epoch: the monitored column is known in advance. */
    private static Metric scripted(double... values) {
        int[] calls = {0};
        return Metric.of("scripted", (p, t) -> values[Math.min(calls[0]++, values.length - 1)]);
    }

    @Test
    void earlyStoppingEndsTheFitAfterPatienceEpochsWithoutImprovement() {
        var learn = learner().metrics(scripted(3, 2, 2.5, 2.2, 2.1, 1, 1));
        var stop = new EarlyStoppingCallback("scripted", 3);
        learn.fitOneCycle(7, 5e-3, 0.1, stop);
        assertEquals(5, learn.results().size(), "best at epoch 1, then 3 epochs without improvement");
        assertEquals(4, stop.stoppedEpoch());
        assertEquals(1, stop.bestEpoch());
        assertEquals(2.0, stop.best());
    }

    @Test
    void aMonitorThatIsNoColumnIsRefusedBeforeAnyWeightMoves() {
        var learn = learner();
        learn.fit(1, 1e-3, 0.1);
        long steps = learn.opt().steps();
        ResultsTable before = learn.results();
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> learn.fitOneCycle(3, 5e-3, 0.1, new EarlyStoppingCallback("rmse", 1)));
        assertTrue(
                e.getMessage().contains("monitors rmse, which is not a column")
                        && e.getMessage().contains("learn.metrics(Metric.rmse())"),
                e.getMessage());
        assertEquals(steps, learn.opt().steps());
        assertSame(before, learn.results(), "the last fit's table stays");
    }

    @Test
    void saveModelPutsTheBestEpochBackInMemoryOrFromAFile() throws Exception {
        Path dir = Files.createTempDirectory("savemodel");
        for (Path file : new Path[] {null, dir.resolve("best.bin")}) {
            var learn = learner().metrics(scripted(3, 1, 2, 5));
            List<List<float[]>> perEpoch = new ArrayList<>();
            learn.afterEpoch(r -> perEpoch.add(BufferSnapshot.weights(learn.model())));
            var save = new SaveModelCallback("scripted").withOpt(true);
            if (file != null) {
                save.fname(file);
            }
            List<float[]> optAfterEpoch1 = new ArrayList<>();
            learn.addCb(new Callback() {
                @Override
                public void afterEpoch(Learner<?, ?> l) {
                    if (l.epoch() == 1) {
                        for (String name : l.opt().describe().stream()
                                .map(d -> d.split(" ")[0])
                                .toList()) {
                            optAfterEpoch1.addAll(List.of(l.opt().state(name)));
                        }
                    }
                }
            });
            learn.fitOneCycle(4, 5e-3, 0.1, save);
            assertEquals(1, save.bestEpoch());
            List<float[]> now = BufferSnapshot.weights(learn.model());
            for (int i = 0; i < now.size(); i++) {
                assertArrayEquals(perEpoch.get(1).get(i), now.get(i), "weights of epoch 1, " + file);
            }
            List<float[]> opt = new ArrayList<>();
            for (String name :
                    learn.opt().describe().stream().map(d -> d.split(" ")[0]).toList()) {
                opt.addAll(List.of(learn.opt().state(name)));
            }
            for (int i = 0; i < opt.size(); i++) {
                assertArrayEquals(optAfterEpoch1.get(i), opt.get(i), "optimiser state of epoch 1");
            }
            if (file != null) {
                assertTrue(Files.size(file) > 0);
            }
        }
    }

    @Test
    void aFitThatFailsRestoresNothingButCleansUp() {
        var learn = learner().metrics(scripted(1, 2, 3));
        List<List<float[]>> atFailure = new ArrayList<>();
        Events events = new Events();
        learn.addCbs(events, new Callback() {
            @Override
            public void beforeBatch(Learner<?, ?> l) {
                if (l.training() && l.epoch() == 2) {
                    atFailure.add(BufferSnapshot.weights(l.model()));
                    throw new IllegalStateException("boom");
                }
            }
        });
        var save = new SaveModelCallback("scripted").lowerIsBetter(true);
        var e = assertThrows(IllegalStateException.class, () -> learn.fitOneCycle(3, 5e-3, 0.1, save));
        assertEquals("boom", e.getMessage());
        assertEquals(0, save.bestEpoch());
        List<float[]> now = BufferSnapshot.weights(learn.model());
        for (int i = 0; i < now.size(); i++) {
            assertArrayEquals(atFailure.get(0).get(i), now.get(i), "the weights the failure left, not epoch 0's");
        }
        assertFalse(events.seen.contains("afterFit"));
        assertEquals("cleanupFit", events.seen.get(events.seen.size() - 1));
        assertEquals(2, learn.results().size());
        assertTrue(Double.isFinite(learn.validate()), "the learner is usable after a failed fit");
    }
}
