package dev.fastbook.collab.recommend;

import dev.fastbook.collab.core.IoErrors;
import dev.fastbook.collab.core.VersionedFolder;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.model.EmbSz;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.EmbeddingNN;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.model.YRange;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;

/**
 * A trained model's files, one version of a {@link VersionedFolder} ({@code dir/current} names
 * {@code dir/model-<n>/}):
 *
 * <pre>
 * model.params       the parameters, DJL's block format
 * model.properties   which model (EmbeddingDotBias, EmbeddingNN, or a class name) and its sizes
 * users.txt          the user vocabulary, one value per line (line i is row i)
 * items.txt          the item vocabulary
 * </pre>
 *
 * The two models the collab learner builds are rebuilt from their properties; any other
 * {@link Module} is rebuilt by a factory the caller gives, then its parameters are read.
 */
final class SavedModel {
    static final String DIR_PREFIX = "model";
    static final List<String> FILES = List.of("model.properties", "model.params", "users.txt", "items.txt");

    /** Library classes renamed since a model may have been saved: the new one lays its parameters out alike. */
    private static final Map<String, String> RENAMED = Map.of("TabularCollab", "TabularModel");

    /** What {@link #load} read. */
    record Loaded(Module model, Vocab users, Vocab items) {}

    private SavedModel() {}

    static VersionedFolder folder(Path dir) {
        return new VersionedFolder(dir, DIR_PREFIX).legacy(FILES, SavedModel::isLegacyModel);
    }

    /** Writes a new version of {@code dir} and switches to it; returns the version's folder. */
    static Path save(Module model, Vocab users, Vocab items, Path dir) throws IOException {
        checkLines(users);
        checkLines(items);
        Properties p = describe(model);
        p.setProperty("userName", users.name());
        p.setProperty("itemName", items.name());
        StringWriter text = new StringWriter();
        p.store(text, "fastbook-collab recommender");
        return folder(dir).publish(tmp -> {
            model.save(tmp.resolve("model.params"));
            Files.write(tmp.resolve("users.txt"), users, StandardCharsets.UTF_8);
            Files.write(tmp.resolve("items.txt"), items, StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("model.properties"), text.toString(), StandardCharsets.UTF_8);
        });
    }

    private static Properties describe(Module model) {
        Properties p = new Properties();
        if (model instanceof EmbeddingDotBias dot && model.getClass() == EmbeddingDotBias.class) {
            p.setProperty("model", "EmbeddingDotBias");
            p.setProperty("factors", String.valueOf(dot.factors()));
            putRange(p, dot.yRange());
        } else if (model instanceof EmbeddingNN nn && model.getClass() == EmbeddingNN.class) {
            p.setProperty("model", "EmbeddingNN");
            p.setProperty(
                    "embSzs",
                    String.join(
                            ",",
                            nn.embSzs().stream().map(e -> e.n() + "x" + e.f()).toList()));
            p.setProperty(
                    "hidden",
                    String.join(
                            ",",
                            Arrays.stream(nn.hidden()).mapToObj(String::valueOf).toList()));
            putRange(p, nn.yRange());
        } else {
            p.setProperty("model", model.getClass().getName());
        }
        return p;
    }

    private static void putRange(Properties p, YRange range) {
        if (range != null) {
            p.setProperty("yRange.lo", String.valueOf(range.lo()));
            p.setProperty("yRange.hi", String.valueOf(range.hi()));
        }
    }

    /**
     * Reads the model {@code dir}'s {@code current} names; {@code factory} builds a model of any
     * other class from the two vocabularies (null: only the collab learner's two models load).
     */
    static Loaded load(Path dir, BiFunction<Vocab, Vocab, ? extends Module> factory) throws IOException {
        return folder(dir).read(version -> readVersion(version, factory));
    }

    private static Loaded readVersion(Path folder, BiFunction<Vocab, Vocab, ? extends Module> factory)
            throws IOException {
        Path propsFile = folder.resolve("model.properties");
        Properties p = new Properties();
        try {
            p.load(new StringReader(text(propsFile)));
        } catch (IllegalArgumentException e) {
            throw new IOException(propsFile + " is damaged (" + e.getMessage() + "): save the model again.", e);
        }
        String kind = p.getProperty("model");
        if (kind == null) {
            throw new IOException(
                    propsFile + " has no 'model' (which model was saved): the file is damaged. Save the model again.");
        }
        Vocab users = vocab(folder.resolve("users.txt"), p.getProperty("userName", "user"));
        Vocab items = vocab(folder.resolve("items.txt"), p.getProperty("itemName", "title"));
        Module model = build(kind, p, propsFile, users, items, factory);
        try {
            model.load(folder.resolve("model.params"));
        } catch (IOException e) {
            if (!Files.isRegularFile(folder.resolve("model.params"))) {
                throw new NoSuchFileException(folder.resolve("model.params").toString());
            }
            throw new IOException(
                    "The files in " + folder + " disagree: users.txt lists " + (users.size() - 1) + " "
                            + users.name() + "s and items.txt " + (items.size() - 1) + " " + items.name() + "s for "
                            + kind
                            + " (" + ModelProperties.sizes(p)
                            + "), but model.params does not hold those sizes or is damaged: "
                            + e.getMessage(),
                    e);
        }
        return new Loaded(model, users, items);
    }

    private static Module build(
            String kind,
            Properties p,
            Path propsFile,
            Vocab users,
            Vocab items,
            BiFunction<Vocab, Vocab, ? extends Module> factory)
            throws IOException {
        switch (kind) {
            case "EmbeddingDotBias" -> {
                int factors = ModelProperties.whole(p, "factors", propsFile);
                long[] sizes = {users.size(), factors, items.size(), factors, users.size(), 1, items.size(), 1};
                DeclaredSizes.requireFits(
                        sizes,
                        "factors=" + factors + " with " + users.size() + " " + users.name() + "s and " + items.size()
                                + " " + items.name() + "s",
                        propsFile);
                return EmbeddingDotBias.fromClasses(factors, users, items, ModelProperties.range(p, propsFile));
            }
            case "EmbeddingNN" -> {
                List<EmbSz> embSzs = new ArrayList<>();
                for (String e : ModelProperties.list(p, "embSzs", propsFile)) {
                    String[] nf = e.split("x", -1);
                    embSzs.add(new EmbSz(
                            ModelProperties.whole(nf[0], "embSzs", propsFile),
                            ModelProperties.whole(nf.length == 2 ? nf[1] : "", "embSzs", propsFile)));
                }
                List<String> hs = ModelProperties.list(p, "hidden", propsFile);
                int[] hidden = new int[hs.size()];
                for (int h = 0; h < hidden.length; h++) {
                    hidden[h] = ModelProperties.whole(hs.get(h), "hidden", propsFile);
                }
                if (embSzs.size() < 2
                        || embSzs.get(0).n() != users.size()
                        || embSzs.get(1).n() != items.size()) {
                    throw new IOException(
                            propsFile + " has embSzs=" + p.getProperty("embSzs") + ", which does not start with the "
                                    + users.size() + " users and " + items.size()
                                    + " items of users.txt and items.txt: the files are"
                                    + " from different saves. Save the model again.");
                }
                DeclaredSizes.requireFits(
                        DeclaredSizes.nn(embSzs, hidden),
                        "embSzs=" + p.getProperty("embSzs") + " and hidden=" + p.getProperty("hidden"),
                        propsFile);
                return new EmbeddingNN(embSzs, hidden, ModelProperties.range(p, propsFile));
            }
            default -> {
                String saved = RENAMED.getOrDefault(simpleName(kind), simpleName(kind));
                if (factory == null) {
                    throw new IOException(
                            propsFile + " says model=" + kind + ", your own model: load it with"
                                    + " Recommender.load(dir, (users, items) -> "
                                    + (saved.equals("TabularModel")
                                            ? "TabularModel.withSide(side, layers, yRange)"
                                            : "new " + saved + "(...)")
                                    + "), building it with the sizes it was trained with; its parameters are then read from model.params.");
                }
                Module m = factory.apply(users, items);
                // simple names: a class declared in a notebook has a different full name in a program
                if (m == null || !simpleName(m.getClass().getName()).equals(saved)) {
                    throw new IOException(propsFile + " says model=" + kind + ", but the factory built "
                            + (m == null ? "null" : m.getClass().getName())
                            + ": give a factory that builds the saved model's class.");
                }
                return m;
            }
        }
    }

    private static String simpleName(String className) {
        return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
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
        byte[] bytes;
        // a properties file is a few lines; a vocabulary of a billion bytes is past any model this library trains
        long limit = file.getFileName().toString().endsWith(".properties") ? 1 << 20 : 1 << 30;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) limit + 1);
        } catch (NoSuchFileException e) {
            throw e; // a concurrent save may have replaced the version: the folder retries
        } catch (IOException e) {
            throw IoErrors.named(e, "read " + file, "check the disk and the file's permissions, then load again");
        }
        if (bytes.length > limit) {
            throw new IOException(
                    file + " holds more than " + limit + " bytes, more than such a file can: it is not one"
                            + " this library saved. Save the model again.");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is damaged: it is not UTF-8 text (" + e + "). Save the model again.", e);
        }
    }

    /** The four files directly in the folder, as saved before versions, and nothing else's. */
    private static boolean isLegacyModel(Path dir) {
        for (String f : FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                return false;
            }
        }
        try {
            Properties p = new Properties();
            p.load(new StringReader(text(dir.resolve("model.properties"))));
            return "EmbeddingDotBias".equals(p.getProperty("model"));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void checkLines(Vocab v) {
        for (String s : v) {
            if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                throw new IllegalArgumentException(
                        "The " + v.name() + " '" + s.replace("\n", "\\n").replace("\r", "\\r")
                                + "' holds a line break; the saved vocabularies are one value per line, so it cannot be saved.");
            }
        }
    }
}
