package dev.fastbook.collab.recommend;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedModelTest {
    static EmbeddingDotBias model(long seed) {
        Tensors.seed(seed);
        List<Integer> users = new ArrayList<>();
        for (int i = 1; i <= 30; i++) users.add(i);
        List<String> titles = new ArrayList<>();
        for (int i = 1; i <= 20; i++) titles.add("Title " + i);
        return EmbeddingDotBias.fromClasses(4, Vocab.of("user", users), Vocab.of("title", titles), YRange.of(0, 5.5));
    }

    static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void savesVersionsAndSwitchesToTheNewOne(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("rec");
        Recommender a = Recommender.of(model(1));
        a.save(dir);
        assertEquals(List.of(".lock", "current", "model-1"), names(dir));
        assertEquals(
                List.of("items.txt", "model.params", "model.properties", "users.txt"), names(dir.resolve("model-1")));
        Recommender b = Recommender.of(model(2));
        b.save(dir);
        assertEquals(
                List.of(".lock", "current", "model-2"), names(dir), "the old version goes once the new one is current");
        assertEquals("model-2\n", Files.readString(dir.resolve("current")));
        Recommender back = Recommender.load(dir);
        assertEquals(b.predict("3", "Title 4"), back.predict("3", "Title 4"), 0);
        assertNotEquals(a.predict("3", "Title 4"), back.predict("3", "Title 4"));
        assertEquals(b.topK(3).toString(), back.topK(3).toString());
        assertEquals("(0.0, 5.5)", String.valueOf(((EmbeddingDotBias) back.model()).yRange()));
    }

    @Test
    void refusesAFolderThatHoldsSomethingElse(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("work");
        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("notes.txt"), "mine");
        Files.writeString(dir.resolve("other").resolve("a.csv"), "1,2");
        var e = assertThrows(IOException.class, () -> Recommender.of(model(1)).save(dir));
        assertTrue(
                e.getMessage().contains("is not empty and holds no saved model (it has notes.txt, other)"),
                e.getMessage());
        assertEquals(List.of("notes.txt", "other"), names(dir), "nothing written, nothing deleted");
        assertEquals("1,2", Files.readString(dir.resolve("other").resolve("a.csv")));
        // a file of the user's called "current" is not a pointer either
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("current"), "account balance");
        assertThrows(IOException.class, () -> Recommender.of(model(1)).save(other));
        assertEquals("account balance", Files.readString(other.resolve("current")));
        Path aFile = tmp.resolve("file.txt");
        Files.writeString(aFile, "x");
        assertTrue(
                assertThrows(IOException.class, () -> Recommender.of(model(1)).save(aFile))
                        .getMessage()
                        .contains("is a file"));
    }

    @Test
    void filesOfTheUserBesideASavedModelSurviveASave(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("rec");
        Recommender.of(model(1)).save(dir);
        Files.writeString(dir.resolve("README.txt"), "trained on ml-100k");
        Recommender.of(model(2)).save(dir);
        assertEquals(List.of(".lock", "README.txt", "current", "model-2"), names(dir));
    }

    @Test
    void theLayoutBeforeVersionsLoadsAndIsReplaced(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("rec");
        Recommender a = Recommender.of(model(1));
        a.save(dir);
        for (String f : SavedModel.FILES) {
            Files.move(dir.resolve("model-1").resolve(f), dir.resolve(f));
        }
        Files.delete(dir.resolve("model-1"));
        Files.delete(dir.resolve("current"));
        assertEquals(a.predict("1", "Title 1"), Recommender.load(dir).predict("1", "Title 1"), 0);
        Recommender.of(model(2)).save(dir);
        assertEquals(List.of(".lock", "current", "model-1"), names(dir));
    }

    @Test
    void leftoversOfDeadSavesAndOldVersionsAreCleanedOnLoad(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("rec");
        Recommender.of(model(1)).save(dir);
        Recommender.of(model(2)).save(dir); // model-2
        // what a save killed at various points leaves: pid 2^22 + 1 is above the largest pid Linux allows, so dead
        long dead = (1L << 22) + 1;
        Files.createDirectories(dir.resolve(".model-3." + dead + "-1a2b.part"));
        Files.writeString(dir.resolve(".model-3." + dead + "-1a2b.part").resolve("users.txt"), "#na#\n");
        Files.writeString(dir.resolve(".current." + dead + "-99.part"), "model-");
        Files.createDirectories(dir.resolve("model-1")); // an old version whose deletion was cut short
        Recommender.load(dir);
        assertEquals(List.of(".lock", "current", "model-2"), names(dir));
        // a live process's temporary files are left alone
        long me = ProcessHandle.current().pid();
        Files.createDirectories(dir.resolve(".model-9." + me + "-ff.part"));
        Recommender.load(dir);
        assertTrue(names(dir).contains(".model-9." + me + "-ff.part"));
        Recommender.of(model(3)).save(dir);
        assertEquals(
                List.of(".lock", ".model-9." + me + "-ff.part", "current", "model-10"),
                names(dir),
                "numbered past the save in progress");
    }

    @Test
    void damagedFilesAreNamedWithWhatIsWrong(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("rec");
        Recommender.of(model(1)).save(dir);
        Path v = dir.resolve("model-1");
        byte[] params = Files.readAllBytes(v.resolve("model.params"));
        byte[] props = Files.readAllBytes(v.resolve("model.properties"));
        String users = Files.readString(v.resolve("users.txt"));

        Files.write(v.resolve("model.params"), java.util.Arrays.copyOf(params, params.length / 2));
        String truncated = loadError(dir);
        assertTrue(
                truncated.contains("model.params")
                        && truncated.contains("ends too early")
                        && !truncated.contains("(null)"),
                truncated);
        Files.write(v.resolve("model.params"), new byte[0]);
        assertTrue(loadError(dir).contains("is empty"), loadError(dir));
        Files.write(v.resolve("model.params"), params);

        Files.write(v.resolve("model.properties"), new byte[] {'m', 'o', (byte) 0xff, (byte) 0xfe, '\n'});
        String notText = loadError(dir);
        assertTrue(notText.contains("model.properties is damaged: it is not UTF-8 text"), notText);
        Files.writeString(
                v.resolve("model.properties"),
                new String(props, StandardCharsets.UTF_8).replaceAll("factors=\\d+\\R", ""));
        assertTrue(loadError(dir).contains("model.properties has no 'factors'"), loadError(dir));
        Files.writeString(
                v.resolve("model.properties"),
                new String(props, StandardCharsets.UTF_8).replace("factors=4", "factors=four"));
        assertTrue(loadError(dir).contains("factors=four, which is not a number"), loadError(dir));
        Files.write(v.resolve("model.properties"), props);

        Files.writeString(v.resolve("users.txt"), users.substring(0, users.length() - 1));
        assertTrue(
                loadError(dir).contains("users.txt does not end with a line break: it is truncated"), loadError(dir));
        Files.writeString(v.resolve("users.txt"), users.substring(0, users.indexOf("\n20\n") + 1));
        String shorter = loadError(dir);
        assertTrue(shorter.contains("disagree: users.txt lists 19 users and items.txt 20 titles"), shorter);
        Files.writeString(v.resolve("users.txt"), "1\n2\n");
        assertTrue(
                loadError(dir).contains("users.txt is not a vocabulary: A vocabulary starts with #na#"),
                loadError(dir));
        Files.delete(v.resolve("users.txt"));
        assertTrue(loadError(dir).contains("users.txt is missing"), loadError(dir));
        Files.writeString(v.resolve("users.txt"), users);

        Files.writeString(dir.resolve("current"), "\u0000\u0000garbage");
        assertTrue(loadError(dir).contains("current should name the saved version"), loadError(dir));
        Files.writeString(dir.resolve("current"), "model-7\n");
        assertTrue(loadError(dir).contains("model-7 is missing"), loadError(dir));
        Files.writeString(dir.resolve("current"), "model-1\n");
        assertNotNull(Recommender.load(dir), "whole again");

        assertTrue(loadError(tmp.resolve("nothing")).contains("no such folder"));
        Files.createDirectories(tmp.resolve("empty"));
        assertTrue(loadError(tmp.resolve("empty"))
                .contains("no 'current' file naming a saved version, and no model.properties"));
    }

    private static String loadError(Path dir) {
        return assertThrows(IOException.class, () -> Recommender.load(dir)).getMessage();
    }
}
