package dev.fastbook.collab.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.Fixtures;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.EmbSz;
import dev.fastbook.collab.model.EmbeddingNN;
import dev.fastbook.collab.model.Linear;
import dev.fastbook.collab.model.YRange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** Issue 14 item 5: what cannot work is refused, early and by name. */
class TrainingRefusesTest {
    private static final Table RATINGS = Fixtures.synthetic(120, 80, 0.5, 11);

    private static CollabDataLoaders dls() {
        return CollabDataLoaders.from(RATINGS).bs(64).seed(42).build();
    }

    @Test
    void layerSizesBelowOneAreRefusedWithTheLayersPosition() {
        var d = dls();
        var e = assertThrows(
                IllegalArgumentException.class, () -> CollabLearner.collabLearnerNn(d, new int[] {0}, null));
        assertTrue(e.getMessage().startsWith("Hidden layer 1 of 1 (layers[0]) has size 0"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> CollabLearner.collabLearnerNn(d, new int[] {100, 0}, null));
        assertTrue(e.getMessage().startsWith("Hidden layer 2 of 2 (layers[1]) has size 0"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> CollabLearner.collabLearnerNn(d, new int[] {-3}, YRange.of(0, 5.5)));
        assertTrue(
                e.getMessage().contains("(layers[0]) has size -3: each layer needs at least 1 unit"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new EmbeddingNN(List.of(new EmbSz(10, 4), new EmbSz(20, 0)), new int[] {8}, null));
        assertTrue(e.getMessage().startsWith("Embedding 1 has size (20, 0)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Linear(4, 0, true));
        assertTrue(e.getMessage().contains("got in 4, out 0"), e.getMessage());
    }

    @Test
    void aLossThatExplodesWhileFiniteStopsTheFitWithTheWeightsFromBefore() {
        Tensors.seed(1);
        var learn =
                CollabLearner.collabLearnerNn(dls(), new int[] {100, 50}, null).quiet();
        List<float[]>[] before = new List[1];
        List<Double> losses = new ArrayList<>();
        learn.addCb(new Callback() {
            @Override
            public void beforeBatch(Learner<?, ?> l) {
                if (l.training()) {
                    before[0] = BufferSnapshot.weights(l.model());
                }
            }

            @Override
            public void afterLoss(Learner<?, ?> l) {
                if (l.training()) {
                    losses.add(l.loss());
                }
            }
        });
        var e = assertThrows(TrainingDivergedException.class, () -> learn.fit(5, 10, 0));
        assertTrue(
                Double.isFinite(e.loss()) && e.loss() > Learner.EXPLODED * losses.get(0),
                e.loss() + " vs " + losses.get(0));
        assertTrue(
                e.getMessage().contains("more than 10,000 times the first batch's")
                        && e.getMessage().contains("Lower the learning rate (lr 10)"),
                e.getMessage());
        assertTrue(
                losses.stream().allMatch(l -> l <= Learner.EXPLODED * losses.get(0)), "every loss before it was below");
        List<float[]> now = BufferSnapshot.weights(learn.model());
        for (int i = 0; i < now.size(); i++) {
            assertArrayEquals(before[0].get(i), now.get(i), "weights and running statistics from before the batch");
        }
        assertTrue(Double.isFinite(learn.validate()));
    }
}
