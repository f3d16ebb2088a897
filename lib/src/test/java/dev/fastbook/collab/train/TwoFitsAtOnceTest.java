package dev.fastbook.collab.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/**
 * Two learners fitting at once in one JVM (two threads, as a notebook user may start them): the
 * second fit is refused with the reason, the first is undisturbed, and the second learner fits
 * normally once the first has ended.
 */
class TwoFitsAtOnceTest {
    private static final Table RATINGS = Fixtures.synthetic(60, 40, 0.5, 3);

    private static Learner<?, ?> learner(long seed) {
        Tensors.seed(seed);
        CollabDataLoaders dls = CollabDataLoaders.from(RATINGS).bs(64).seed(42).build();
        return CollabLearner.collabLearner(dls, 5, null).quiet();
    }

    @Test
    void aSecondFitFromAnotherThreadIsRefusedWithTheReasonAndTheFirstFinishes() throws Exception {
        Learner<?, ?> first = learner(1);
        Learner<?, ?> second = learner(2);
        CountDownLatch inFit = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        first.addCb(new Callback() {
            @Override
            public void afterBatch(Learner<?, ?> l) {
                inFit.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> first.fit(1, 1e-2));
        assertTrue(inFit.await(60, TimeUnit.SECONDS), "the first fit is running");

        String before = second.toString();
        var refused = assertThrows(IllegalStateException.class, () -> second.fit(1, 1e-2));
        assertTrue(
                refused.getMessage()
                        .startsWith("Cannot start fit: another Learner is fitting in this JVM (in thread '"),
                refused.getMessage());
        assertTrue(
                refused.getMessage().contains("Fits run one at a time")
                        && refused.getMessage().contains("run the fits one after another"),
                refused.getMessage());
        var refusedFind = assertThrows(IllegalStateException.class, () -> second.lrFind(1e-5, 1, 5));
        assertTrue(
                refusedFind.getMessage().startsWith("Cannot start lrFind: another Learner"), refusedFind.getMessage());
        assertEquals(before, second.toString(), "a refused fit changes nothing");

        release.countDown();
        running.get(120, TimeUnit.SECONDS);
        assertEquals(1, first.results().size(), "the first fit ran its epoch");
        second.fit(1, 1e-2);
        assertEquals(1, second.results().size(), "the second learner fits once the first has ended");
    }
}
