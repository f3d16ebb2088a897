package dev.fastbook.collab.recommend;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.core.ChildJvm;
import dev.fastbook.collab.core.VersionedFolder;
import dev.fastbook.collab.core.VersionedFolderAccess;
import dev.fastbook.collab.model.EmbeddingDotBias;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes saving into one folder at once, and a third loading meanwhile: every save lands
 * whole, every load gives exactly one of the two models, and nothing else is left behind.
 */
class ConcurrentSaveTest {
    static final int SAVES = 150;

    @Test
    void twoProcessesSaveIntoOneFolderWhileAThirdLoads(@TempDir Path tmp) throws Exception {
        EmbeddingDotBias[] models = {SaveLoop.model(0), SaveLoop.model(1)};
        float[][] expected = {predictions(Recommender.of(models[0])), predictions(Recommender.of(models[1]))};
        Path dir = tmp.resolve("shared");
        Recommender.of(models[0]).save(dir); // so loads can start at once

        List<Process> children = new ArrayList<>();
        for (int which = 0; which < 2; which++) {
            children.add(ChildJvm.java(
                            List.of(
                                    "-Xmx256m",
                                    "-XX:TieredStopAtLevel=1",
                                    "-Dai.djl.offline=true",
                                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"),
                            SaveMany.class,
                            dir.toString(),
                            String.valueOf(which),
                            String.valueOf(SAVES))
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("child-" + which + ".log").toFile())
                    .start());
        }
        int loads = 0;
        int[] seen = new int[2];
        List<String> loadErrors = new ArrayList<>();
        try {
            while (children.stream().anyMatch(Process::isAlive)) {
                try {
                    float[] p = predictions(Recommender.load(dir));
                    int which = Arrays.equals(p, expected[0]) ? 0 : Arrays.equals(p, expected[1]) ? 1 : -1;
                    assertTrue(which >= 0, "load " + loads + " gave exactly one of the two models");
                    seen[which]++;
                } catch (IOException e) {
                    loadErrors.add(e.toString());
                }
                loads++;
            }
            for (Process child : children) {
                assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child is done");
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
        List<String> outputs = new ArrayList<>();
        for (int which = 0; which < 2; which++) {
            String out = Files.readString(tmp.resolve("child-" + which + ".log"), StandardCharsets.UTF_8)
                    .strip();
            outputs.add(out);
            assertEquals(0, children.get(which).exitValue(), out);
        }
        System.out.printf(
                "[ConcurrentSaveTest] 2 x %d saves: %s; %d loads meanwhile (model 0 %d, model 1 %d), %d failed%n",
                SAVES, outputs, loads, seen[0], seen[1], loadErrors.size());
        for (String out : outputs) {
            assertEquals(
                    List.of("saved " + SAVES + " refused 0"), ChildJvm.said(out), () -> "every save landed: " + out);
        }
        assertEquals(List.of(), loadErrors.subList(0, Math.min(5, loadErrors.size())), "no load failed");
        assertTrue(loads > 10, "loads ran meanwhile: " + loads);
        Recommender.load(dir);
        try (var names = Files.list(dir)) {
            List<String> left =
                    names.map(n -> n.getFileName().toString()).sorted().toList();
            assertEquals(3, left.size(), () -> "the lock, the pointer and one version: " + left);
            assertEquals(
                    "model-" + (1 + 2 * SAVES),
                    Files.readString(dir.resolve("current")).strip(),
                    "every save got its own number");
        }
    }

    @Test
    void aSaveThatCannotGetTheLockIsRefusedAndChangesNothing(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("busy");
        Recommender.of(SaveLoop.model(0)).save(dir);
        long timeout = VersionedFolderAccess.timeout(300);
        try (FileChannel ch = FileChannel.open(dir.resolve(VersionedFolder.LOCK), StandardOpenOption.WRITE);
                FileLock held = ch.lock()) {
            var e = assertThrows(
                    IOException.class, () -> Recommender.of(SaveLoop.model(1)).save(dir));
            assertTrue(e.getMessage().startsWith("Another save into " + dir.toAbsolutePath()), e.getMessage());
            assertTrue(
                    e.getMessage().contains("this save is refused and the current version is unchanged"),
                    e.getMessage());
            // loads meanwhile still work
            assertArrayEquals(predictions(Recommender.of(SaveLoop.model(0))), predictions(Recommender.load(dir)));
        } finally {
            VersionedFolderAccess.timeout(timeout);
        }
        try (var names = Files.list(dir)) {
            assertEquals(
                    List.of(".lock", "current", "model-1"),
                    names.map(n -> n.getFileName().toString()).sorted().toList(),
                    "the refused version is gone");
        }
        Recommender.of(SaveLoop.model(1)).save(dir);
        assertEquals("model-2", Files.readString(dir.resolve("current")).strip(), "free again");
    }

    /** Predictions for a fixed spread of pairs, through the model's forward pass. */
    static float[] predictions(Recommender r) {
        float[] out = new float[40];
        for (int j = 0; j < out.length; j++) {
            int user = 1 + j * 71 % (SaveLoop.USERS - 1);
            int item = 1 + j * 47 % (SaveLoop.ITEMS - 1);
            out[j] = (float) r.predict(String.valueOf(user), "Movie " + item + " (" + (1900 + item % 120) + ")");
        }
        return out;
    }
}
