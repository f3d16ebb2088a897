package dev.fastbook.collab.recommend;

import dev.fastbook.collab.core.ChildJvm;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link CrashSafeSaveTest}: saves two different models in turn, a
 * recommender into a folder and the bare parameters into a file, until it is killed. Prints
 * "ready" once both hold a model, so the parent knows a kill from then on must leave one.
 */
public final class SaveLoop {
    static final int USERS = 3000;
    static final int ITEMS = 2000;
    static final int FACTORS = 32;

    /** Model {@code which} (0 or 1): the same sizes and vocabularies, different weights. */
    static EmbeddingDotBias model(int which) {
        Tensors.seed(100 + which);
        List<Integer> u = new ArrayList<>();
        for (int i = 1; i < USERS; i++) {
            u.add(i);
        }
        List<String> it = new ArrayList<>();
        for (int i = 1; i < ITEMS; i++) {
            it.add("Movie " + i + " (" + (1900 + i % 120) + ")");
        }
        return EmbeddingDotBias.fromClasses(FACTORS, Vocab.of("user", u), Vocab.of("title", it), YRange.of(0, 5.5));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path file = Path.of(args[1]);
        EmbeddingDotBias[] models = {model(0), model(1)};
        Recommender[] recs = {Recommender.of(models[0]), Recommender.of(models[1])};
        recs[0].save(dir);
        models[0].save(file);
        ChildJvm.say("ready");
        System.out.flush();
        for (int i = 1; ; i++) {
            recs[i % 2].save(dir);
            models[i % 2].save(file);
        }
    }
}
