package dev.fastbook.collab.recommend;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.core.ChildJvm;
import dev.fastbook.collab.model.EmbeddingDotBias;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving the hard way: a child JVM saves two models in turn, in a loop, and is killed
 * ({@code destroyForcibly}, SIGKILL) at random instants; after each kill the folder and the file
 * must load and give exactly the old or the new model, and the next load leaves no temporary
 * files behind.
 */
class CrashSafeSaveTest {
    static final int KILLS = 24;

    @Test
    void aKillAtAnyInstantLeavesTheOldOrTheNewModel(@TempDir Path tmp) throws Exception {
        EmbeddingDotBias[] models = {SaveLoop.model(0), SaveLoop.model(1)};
        float[][] expectedPredictions = {predictions(Recommender.of(models[0])), predictions(Recommender.of(models[1]))
        };
        float[][] expectedWeights = {
            models[0].iWeight.weight().toFloatArray(),
            models[1].iWeight.weight().toFloatArray()
        };
        assertFalse(Arrays.equals(expectedPredictions[0], expectedPredictions[1]), "two different models");

        Path dir = tmp.resolve("recommender");
        Path file = tmp.resolve("params").resolve("model.params");
        Random random = new Random(2024);
        int[] seen = new int[2];
        int[] seenFile = new int[2];
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = ChildJvm.java(
                            List.of(
                                    "-Xmx256m",
                                    "-XX:TieredStopAtLevel=1",
                                    "-Dai.djl.offline=true",
                                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"),
                            SaveLoop.class,
                            dir.toString(),
                            file.toString())
                    .redirectErrorStream(true)
                    .start();
            try {
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                List<String> lines = new ArrayList<>();
                for (String line; (line = out.readLine()) != null && !"ready".equals(ChildJvm.said1(line)); ) {
                    lines.add(line);
                }
                assertTrue(child.isAlive(), () -> "the child saves until it is killed: " + lines);
                Thread.sleep(random.nextInt(400)); // lands anywhere in a save: a few ms each
            } finally {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child is gone");
            }

            Recommender back = Recommender.load(dir);
            float[] p = predictions(back);
            int which =
                    Arrays.equals(p, expectedPredictions[0]) ? 0 : Arrays.equals(p, expectedPredictions[1]) ? 1 : -1;
            assertTrue(which >= 0, "kill " + kill + ": the loaded model is exactly one of the two saved");
            seen[which]++;
            try (var names = Files.list(dir)) {
                List<String> left =
                        names.map(n -> n.getFileName().toString()).sorted().toList();
                assertTrue(
                        left.stream()
                                .allMatch(n -> n.equals("current") || n.equals(".lock") || n.matches("model-\\d+")),
                        () -> "only the pointer and versions after a load: " + left);
            }

            EmbeddingDotBias into = SaveLoop.model(0);
            into.iWeight.weight().set(new float[expectedWeights[0].length]); // so a no-op load would show
            into.load(file);
            float[] w = into.iWeight.weight().toFloatArray();
            int whichFile = Arrays.equals(w, expectedWeights[0]) ? 0 : Arrays.equals(w, expectedWeights[1]) ? 1 : -1;
            assertTrue(whichFile >= 0, "kill " + kill + ": the parameters file holds one of the two models");
            seenFile[whichFile]++;
            try (var names = Files.list(file.getParent())) {
                List<String> left = names.map(n -> n.getFileName().toString()).toList();
                assertEquals(List.of("model.params"), left, "no .part left after a load");
            }
        }
        System.out.printf(
                "[CrashSafeSaveTest] %d kills: folder held model 0 %d times, model 1 %d; file %d and %d%n",
                KILLS, seen[0], seen[1], seenFile[0], seenFile[1]);
        assertTrue(seen[0] > 0 && seen[1] > 0, "kills landed on both sides of a switch: " + Arrays.toString(seen));
    }

    /** Predictions for a fixed spread of pairs, through the model's forward pass. */
    private static float[] predictions(Recommender r) {
        float[] out = new float[40];
        for (int j = 0; j < out.length; j++) {
            int user = 1 + j * 71 % (SaveLoop.USERS - 1);
            int item = 1 + j * 47 % (SaveLoop.ITEMS - 1);
            out[j] = (float) r.predict(String.valueOf(user), "Movie " + item + " (" + (1900 + item % 120) + ")");
        }
        return out;
    }
}
