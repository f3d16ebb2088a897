package dev.fastbook.collab.interpret;

import dev.fastbook.collab.core.SafeFiles;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.YRange;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recommender's folder on disk, written so that nothing but the model it replaces is ever
 * removed, and a crash at any instant leaves the old model or the new one loadable:
 *
 * <pre>
 * dir/current          one line naming the saved version, e.g. "model-3" (replaced atomically)
 * dir/model-3/         model.params, model.properties, users.txt, items.txt
 * </pre>
 *
 * A save writes the next version into a temporary folder, renames it to {@code model-<n>}, then
 * switches {@code current} to it (the one atomic step), and only then deletes the older versions.
 * A load follows {@code current}. Temporary files and folders of processes that died mid-save are
 * deleted by the next save or load. A folder holding the four files directly (the layout before
 * versions) still loads, and a save replaces it.
 */
final class SavedModel {
    static final String POINTER = "current";
    static final List<String> FILES = List.of("model.params", "model.properties", "users.txt", "items.txt");
    private static final Pattern VERSION = Pattern.compile("model-(\\d{1,9})");
    /** {@code .model-<n>.<pid>-<hex>.part} and {@code .current.<pid>-<hex>.part}: SafeFiles' temporary names. */
    private static final Pattern TEMP = Pattern.compile("\\.(model-\\d{1,9}|current)\\.\\d+-[0-9a-f]+\\.part");

    private SavedModel() {}

    /** Writes a new version into {@code dir} and switches to it; returns the version's folder. */
    static Path save(EmbeddingDotBias model, Path dir) throws IOException {
        Vocab users = model.userClasses();
        Vocab items = model.itemClasses();
        checkLines(users);
        checkLines(items);
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IOException(abs + " is a file: save(dir) writes a folder; give a folder's path.");
        }
        Files.createDirectories(abs);
        List<String> names = list(abs);
        if (!names.isEmpty() && !isSavedModel(abs, names)) {
            throw new IOException(abs + " is not empty and holds no saved model (it has " + sample(names)
                    + "). Saving replaces only a model saved there before and never deletes other files:"
                    + " choose a new or empty folder.");
        }
        cleanLeftovers(abs, names);
        // above every version present, a save in progress elsewhere included
        int n = 1 + names.stream().mapToInt(name -> {
            Matcher t = TEMP.matcher(name);
            return t.matches() ? versionNumber(t.group(1)) : versionNumber(name);
        }).max().orElse(0);
        String version = "model-" + n;
        Path target = abs.resolve(version);
        Path tmp = SafeFiles.tempSibling(target);
        try {
            Files.createDirectory(tmp);
            model.save(tmp.resolve("model.params"));
            Files.write(tmp.resolve("users.txt"), users, StandardCharsets.UTF_8);
            Files.write(tmp.resolve("items.txt"), items, StandardCharsets.UTF_8);
            Properties p = new Properties();
            p.setProperty("model", "EmbeddingDotBias");
            p.setProperty("factors", String.valueOf(model.factors()));
            p.setProperty("userName", users.name());
            p.setProperty("itemName", items.name());
            if (model.yRange() != null) {
                p.setProperty("yRange.lo", String.valueOf(model.yRange().lo()));
                p.setProperty("yRange.hi", String.valueOf(model.yRange().hi()));
            }
            StringWriter text = new StringWriter();
            p.store(text, "fastbook-collab recommender");
            Files.writeString(tmp.resolve("model.properties"), text.toString(), StandardCharsets.UTF_8);
            SafeFiles.moveAtomically(tmp, target);
        } finally {
            SafeFiles.deleteTree(tmp); // only when the move did not happen
        }
        SafeFiles.writeAtomically(abs.resolve(POINTER), out -> out.write((version + "\n").getBytes(StandardCharsets.UTF_8)));
        // From here on the new version is the model; what follows only removes the old ones.
        for (String name : list(abs)) {
            if (versionNumber(name) > 0 && !name.equals(version) && Files.isDirectory(abs.resolve(name))) {
                SafeFiles.deleteTree(abs.resolve(name));
            }
        }
        if (isLegacyModel(abs)) {
            for (String legacy : FILES) {
                Files.deleteIfExists(abs.resolve(legacy));
            }
        }
        return target;
    }

    /** Reads the model {@code dir}'s {@code current} names (or the four files directly in {@code dir}). */
    static EmbeddingDotBias load(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IOException("No saved recommender at " + abs + (Files.exists(abs) ? " (it is a file, not a folder)" : " (no such folder)")
                    + ": save one with Recommender.save(dir).");
        }
        try {
            tidy(abs);
        } catch (IOException readOnly) {
            // tidying is a courtesy: a model in a read-only folder still loads
        }
        for (int attempt = 0; ; attempt++) {
            String version = pointer(abs);
            if (version == null) {
                if (Files.isRegularFile(abs.resolve("model.properties"))) {
                    try {
                        return readVersion(abs); // the layout before versions
                    } catch (NoSuchFileException e) {
                        throw new IOException(e.getFile() + " is missing: the saved model in " + abs + " is incomplete. Save it again.", e);
                    }
                }
                throw new IOException("No saved recommender in " + abs + " (no '" + POINTER + "' file naming a saved version,"
                        + " and no model.properties): save one with Recommender.save(dir).");
            }
            try {
                Path folder = abs.resolve(version);
                if (!Files.isDirectory(folder)) {
                    throw new NoSuchFileException(folder.toString());
                }
                return readVersion(folder);
            } catch (NoSuchFileException e) {
                // another process may have saved a newer version meanwhile and removed this one
                if (attempt < 3 && !version.equals(pointer(abs))) {
                    continue;
                }
                throw new IOException(e.getFile() + " is missing: " + abs.resolve(POINTER) + " names " + version
                        + ", but its files are not all there. Save the model again.", e);
            }
        }
    }

    private static EmbeddingDotBias readVersion(Path folder) throws IOException {
        Path propsFile = folder.resolve("model.properties");
        Properties p = new Properties();
        try {
            p.load(new StringReader(text(propsFile)));
        } catch (IllegalArgumentException e) {
            throw new IOException(propsFile + " is damaged (" + e.getMessage() + "): save the model again.", e);
        }
        String kind = p.getProperty("model");
        if (!"EmbeddingDotBias".equals(kind)) {
            throw new IOException(propsFile + " says model=" + kind + "; a Recommender loads EmbeddingDotBias models only"
                    + (kind == null ? " (the key is missing: the file is damaged; save the model again)." : "."));
        }
        int factors = (int) number(p, "factors", propsFile);
        if (factors < 1 || factors != number(p, "factors", propsFile)) {
            throw new IOException(propsFile + " has factors=" + p.getProperty("factors") + "; it must be a whole number of at least 1.");
        }
        YRange range = null;
        if (p.containsKey("yRange.lo") || p.containsKey("yRange.hi")) {
            try {
                range = YRange.of(number(p, "yRange.lo", propsFile), number(p, "yRange.hi", propsFile));
            } catch (IllegalArgumentException e) {
                throw new IOException(propsFile + " has a bad y range: " + e.getMessage(), e);
            }
        }
        Vocab users = vocab(folder.resolve("users.txt"), p.getProperty("userName", "user"));
        Vocab items = vocab(folder.resolve("items.txt"), p.getProperty("itemName", "title"));
        EmbeddingDotBias model = EmbeddingDotBias.fromClasses(factors, users, items, range);
        try {
            model.load(folder.resolve("model.params"));
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            if (!Files.isRegularFile(folder.resolve("model.params"))) {
                throw new NoSuchFileException(folder.resolve("model.params").toString());
            }
            throw new IOException("The files in " + folder + " disagree: users.txt lists " + (users.size() - 1) + " "
                    + users.name() + "s and items.txt " + (items.size() - 1) + " " + items.name() + "s with " + factors
                    + " factors, but model.params does not hold those sizes or is damaged: " + e.getMessage(), e);
        }
        return model;
    }

    private static Vocab vocab(Path file, String name) throws IOException {
        String text = text(file);
        if (!text.endsWith("\n")) {
            throw new IOException(file + " does not end with a line break: it is truncated. Save the model again.");
        }
        List<String> lines = Arrays.asList(text.substring(0, text.length() - 1).split("\r?\n", -1));
        try {
            return Vocab.fromList(name, lines);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a vocabulary: " + e.getMessage() + ". Save the model again.", e);
        }
    }

    /** A file's text, decoded strictly: bytes that are not UTF-8 are a damaged file, named as such. */
    private static String text(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is damaged: it is not UTF-8 text (" + e + "). Save the model again.", e);
        }
    }

    private static double number(Properties p, String key, Path file) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException(file + " has no '" + key + "': the file is damaged or incomplete. Save the model again.");
        }
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IOException(file + " has " + key + "=" + v + ", which is not a number: the file is damaged. Save the model again.", e);
        }
    }

    /** The version {@code current} names, or null when there is no pointer. */
    private static String pointer(Path abs) throws IOException {
        Path file = abs.resolve(POINTER);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String v = text(file).strip();
        if (!VERSION.matcher(v).matches()) {
            throw new IOException(file + " should name the saved version, e.g. 'model-1', but holds '"
                    + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "': it is damaged. Save the model again.");
        }
        return v;
    }

    /** Removes leftovers of dead processes and versions older than the current one. */
    private static void tidy(Path abs) throws IOException {
        List<String> names = list(abs);
        cleanLeftovers(abs, names);
        String current = pointer(abs);
        if (current != null && Files.isDirectory(abs.resolve(current))) {
            int keep = versionNumber(current);
            for (String name : names) {
                int v = versionNumber(name);
                // only older ones: a newer one may be a save in progress about to become current
                if (v > 0 && v < keep) {
                    SafeFiles.deleteTree(abs.resolve(name));
                }
            }
        }
    }

    private static void cleanLeftovers(Path abs, List<String> names) throws IOException {
        for (String name : names) {
            Matcher m = TEMP.matcher(name);
            if (m.matches()) {
                SafeFiles.cleanLeftovers(abs.resolve(m.group(1))); // checks the writer is dead first
            }
        }
    }

    /** A folder we may write into: a saved model, or only what saves leave behind. */
    private static boolean isSavedModel(Path abs, List<String> names) throws IOException {
        if (isLegacyModel(abs)) {
            return true;
        }
        if (names.contains(POINTER)) {
            try {
                return pointer(abs) != null;
            } catch (IOException damaged) {
                return false; // someone else's file called "current"
            }
        }
        return names.stream().allMatch(n -> TEMP.matcher(n).matches()
                || versionNumber(n) > 0 && Files.isDirectory(abs.resolve(n)));
    }

    /** The four files directly in the folder, as saved before versions, and nothing else's. */
    private static boolean isLegacyModel(Path abs) {
        for (String f : FILES) {
            if (!Files.isRegularFile(abs.resolve(f))) {
                return false;
            }
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(text(abs.resolve("model.properties"))));
            return "EmbeddingDotBias".equals(p.getProperty("model"));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static int versionNumber(String name) {
        Matcher m = VERSION.matcher(name);
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                names.add(p.getFileName().toString());
            }
        }
        names.sort(null);
        return names;
    }

    private static String sample(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
    }

    private static void checkLines(Vocab v) {
        for (String s : v) {
            if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("The " + v.name() + " '" + s.replace("\n", "\\n").replace("\r", "\\r")
                        + "' holds a line break; the saved vocabularies are one value per line, so it cannot be saved.");
            }
        }
    }
}
