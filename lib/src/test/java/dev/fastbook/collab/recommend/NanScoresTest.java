package dev.fastbook.collab.recommend;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NaN scores never rank (issue 22): an item whose factors went NaN is left out of every list, by
 * the short-list path and the heap path of the one top-K selection alike. The selection is helper
 * ranking's; this test only pins the behaviour through the public API.
 */
class NanScoresTest {
    @Test
    void anItemWithNanFactorsIsNeverRecommended() {
        Tensors.seed(7);
        List<Integer> users = new ArrayList<>();
        for (int u = 1; u <= 5; u++) users.add(u);
        List<String> titles = new ArrayList<>();
        for (int i = 1; i <= 100; i++) titles.add("Title " + i);
        EmbeddingDotBias model =
                EmbeddingDotBias.fromClasses(4, Vocab.of("user", users), Vocab.of("title", titles), YRange.of(0, 5.5));
        int broken = model.itemIndex("Title 42");
        float[] w = model.iWeight.weight().toFloatArray();
        for (int f = 0; f < 4; f++) {
            w[broken * 4 + f] = Float.NaN;
        }
        model.iWeight.weight().set(w);
        float[] b = model.iBias.weight().toFloatArray();
        b[broken] = 100; // the best item, were its score a number
        model.iBias.weight().set(b);

        Recommender rec = Recommender.of(model);
        for (int k : new int[] {3, 80, 100}) { // a sorted short list, a heap, the whole catalogue
            List<String> items =
                    rec.recommend(1, k).stream().map(Recommendation::item).toList();
            assertFalse(items.contains("Title 42"), k + ": " + items);
            assertTrue(
                    rec.recommend(1, k).stream().noneMatch(r -> Double.isNaN(r.predicted())),
                    "no NaN prediction at k " + k);
        }
        assertEquals(99, rec.recommend(1, 100).size(), "every other item");
        assertFalse(rec.topK(5).toString().contains("Title 42"));
    }
}
