package dev.fastbook.collab.interpret;

import ai.djl.ndarray.NDArray;
import dev.fastbook.collab.core.Vocab;
import dev.fastbook.collab.display.Display;
import dev.fastbook.collab.display.Displayable;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.Learner;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;

/**
 * Recommendations from a trained {@link EmbeddingDotBias}: the best unseen titles for every user
 * at once, for a new user from a handful of ratings, and a saved form that plain Java programs load.
 */
public final class Recommender {
    /** One recommended item with the model's predicted rating. */
    public record Recommendation(String item, double predicted) {}

    private final EmbeddingDotBias model;
    private final Vocab users;
    private final Vocab items;
    private final BitSet[] seen;

    private Recommender(EmbeddingDotBias model) {
        if (model.userClasses() == null || model.itemClasses() == null) {
            throw new IllegalArgumentException("The model has no vocabularies: build it with EmbeddingDotBias.fromClasses or collabLearner.");
        }
        this.model = model;
        this.users = model.userClasses();
        this.items = model.itemClasses();
        this.seen = new BitSet[users.size()];
    }

    /** Recommends with a collab learner's model. */
    public static Recommender of(Learner<EmbeddingDotBias> learn) {
        return new Recommender(learn.model());
    }

    public static Recommender of(EmbeddingDotBias model) {
        return new Recommender(model);
    }

    /** Marks every (user, item) pair of {@code ratings} as seen, so it is never recommended. */
    public Recommender excludeRated(Table ratings) {
        Column<?> u = column(ratings, users.name());
        Column<?> it = column(ratings, items.name());
        for (int r = 0; r < ratings.rowCount(); r++) {
            int ui = users.indexOf(u.get(r));
            int ii = items.indexOf(it.get(r));
            if (ui > 0 && ii > 0) {
                (seen[ui] == null ? seen[ui] = new BitSet(items.size()) : seen[ui]).set(ii);
            }
        }
        return this;
    }

    private static Column<?> column(Table t, String name) {
        if (!t.containsColumn(name)) {
            throw new IllegalArgumentException("Table " + t.name() + " has no column '" + name + "' (it has "
                    + t.columnNames() + "); the model's vocabularies are named after the DataLoaders' columns.");
        }
        return t.column(name);
    }

    /**
     * The {@code k} best unseen items for every user, from one matrix product of all user factors
     * with all item factors (plus both biases). The y-range squashing is monotonic, so it only
     * changes the reported rating, not the order.
     */
    public TopK topK(int k) {
        float[] scores = Tensors.noGrad(() -> {
            NDArray s = model.uWeight.weight().matMul(model.iWeight.weight().transpose())
                    .add(model.uBias.weight()).add(model.iBias.weight().transpose());
            float[] out = s.toFloatArray();
            s.close();
            return out;
        });
        int nItems = items.size();
        int[][] best = new int[users.size()][];
        float[][] bestScores = new float[users.size()][];
        for (int u = 1; u < users.size(); u++) {
            // insertion into a short sorted list: k is small, so this beats a heap of boxed ints
            int[] idx = new int[k];
            float[] top = new float[k];
            int n = 0;
            int row = u * nItems;
            BitSet s = seen[u];
            for (int i = 1; i < nItems; i++) {
                float v = scores[row + i];
                if (n == k && v <= top[k - 1] || s != null && s.get(i)) {
                    continue;
                }
                int j = n < k ? n++ : k - 1;
                while (j > 0 && top[j - 1] < v) {
                    top[j] = top[j - 1];
                    idx[j] = idx[j - 1];
                    j--;
                }
                top[j] = v;
                idx[j] = i;
            }
            best[u] = java.util.Arrays.copyOf(idx, n);
            bestScores[u] = java.util.Arrays.copyOf(top, n);
        }
        return new TopK(best, bestScores);
    }

    /** The best {@code k} unseen items for one user. */
    public List<Recommendation> recommend(Object user, int k) {
        int u = users.require(user);
        return topK(k).forUser(u);
    }

    /**
     * Cold start: fits a factor vector and a bias for a new user to a handful of ratings (item name
     * to rating), starting from the average user as the chapter suggests, with the item factors held
     * fixed; then recommends the best {@code k} items the user has not rated.
     */
    public List<Recommendation> forNewUser(Map<String, Double> ratings, int k) {
        if (ratings.isEmpty()) {
            throw new IllegalArgumentException("Give the new user at least one rating (item name -> rating).");
        }
        float[][] itemF = Tensors.toMatrix(model.iWeight.weight());
        float[] itemB = model.iBias.weight().toFloatArray();
        float[][] userF = Tensors.toMatrix(model.uWeight.weight());
        float[] userB = model.uBias.weight().toFloatArray();
        int f = model.factors();
        double[] w = new double[f + 1];
        for (int u = 1; u < userF.length; u++) {
            for (int j = 0; j < f; j++) {
                w[j] += userF[u][j] / (userF.length - 1);
            }
            w[f] += userB[u] / (userF.length - 1);
        }
        // In vocabulary order, so the fit does not depend on the map's iteration order.
        var sorted = new java.util.TreeMap<Integer, Double>();
        ratings.forEach((title, r) -> sorted.put(items.require(title), r));
        int[] idx = sorted.keySet().stream().mapToInt(Integer::intValue).toArray();
        double[] target = sorted.values().stream().mapToDouble(Double::doubleValue).toArray();
        NewUserFit.fit(w, idx, target, itemF, itemB, model.yRange(), 500, 0.05, 0.01);
        BitSet rated = new BitSet();
        for (int i : idx) {
            rated.set(i);
        }
        PriorityQueue<Recommendation> heap = new PriorityQueue<>(Comparator.comparingDouble(Recommendation::predicted));
        for (int i = 1; i < items.size(); i++) {
            if (rated.get(i)) {
                continue;
            }
            heap.add(new Recommendation(items.get(i), NewUserFit.predict(w, itemF[i], itemB[i], model.yRange())));
            if (heap.size() > k) {
                heap.poll();
            }
        }
        List<Recommendation> out = new ArrayList<>(heap);
        out.sort(Comparator.comparingDouble(Recommendation::predicted).reversed());
        return out;
    }

    /** The predicted rating for a raw score (dot product plus biases). */
    double rating(double score) {
        YRange r = model.yRange();
        return r == null ? score : r.lo() + (r.hi() - r.lo()) / (1 + Math.exp(-score));
    }

    /** Every user's top items, as computed by {@link #topK(int)}. */
    public final class TopK implements Displayable {
        private final int[][] best;
        private final float[][] scores;

        private TopK(int[][] best, float[][] scores) {
            this.best = best;
            this.scores = scores;
        }

        public List<Recommendation> forUser(Object user) {
            return forUser(users.require(user));
        }

        private List<Recommendation> forUser(int u) {
            List<Recommendation> out = new ArrayList<>();
            for (int j = 0; j < best[u].length; j++) {
                out.add(new Recommendation(items.get(best[u][j]), rating(scores[u][j])));
            }
            return out;
        }

        /** Users covered (every user in the vocabulary). */
        public int users() {
            return best.length - 1;
        }

        /** The first few users' recommendations as a table. */
        public Table head(int nUsers) {
            tech.tablesaw.api.StringColumn u = tech.tablesaw.api.StringColumn.create(users.name());
            tech.tablesaw.api.IntColumn rank = tech.tablesaw.api.IntColumn.create("rank");
            tech.tablesaw.api.StringColumn it = tech.tablesaw.api.StringColumn.create(items.name());
            tech.tablesaw.api.DoubleColumn p = tech.tablesaw.api.DoubleColumn.create("predicted");
            for (int ui = 1; ui <= Math.min(nUsers, users()); ui++) {
                List<Recommendation> recs = forUser(ui);
                for (int j = 0; j < recs.size(); j++) {
                    u.append(users.get(ui));
                    rank.append(j + 1);
                    it.append(recs.get(j).item());
                    p.append(Math.round(recs.get(j).predicted() * 1000) / 1000.0);
                }
            }
            return Table.create("recommendations", u, rank, it, p);
        }

        @Override
        public Map<String, String> mimeBundle() {
            return Display.bundle(head(3));
        }
    }

    // ---- saving for programs without Jupyter ---------------------------------------------

    /**
     * Writes the model's parameters, vocabularies and settings into {@code dir}, replacing it
     * whole: files are written into a temporary folder first, so a failure leaves no half model.
     */
    public void save(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempDirectory(abs.getParent(), abs.getFileName() + ".part");
        try {
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
            try (Writer w = Files.newBufferedWriter(tmp.resolve("model.properties"))) {
                p.store(w, "fastbook-collab recommender");
            }
            if (Files.exists(abs)) {
                deleteTree(abs);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
    }

    /** Loads what {@link #save(Path)} wrote; a plain Java program needs nothing else. */
    public static Recommender load(Path dir) throws IOException {
        Path props = dir.resolve("model.properties");
        if (!Files.isRegularFile(props)) {
            throw new IOException("No saved recommender in " + dir + " (model.properties is missing): save one with Recommender.save(dir).");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(props)) {
            p.load(r);
        }
        Vocab users = Vocab.fromList(p.getProperty("userName", "user"), Files.readAllLines(dir.resolve("users.txt"), StandardCharsets.UTF_8));
        Vocab items = Vocab.fromList(p.getProperty("itemName", "title"), Files.readAllLines(dir.resolve("items.txt"), StandardCharsets.UTF_8));
        YRange range = p.containsKey("yRange.lo")
                ? YRange.of(Double.parseDouble(p.getProperty("yRange.lo")), Double.parseDouble(p.getProperty("yRange.hi")))
                : null;
        EmbeddingDotBias model = EmbeddingDotBias.fromClasses(Integer.parseInt(p.getProperty("factors")), users, items, range);
        model.load(dir.resolve("model.params"));
        return new Recommender(model);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path q : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    public EmbeddingDotBias model() {
        return model;
    }

    /** A user's seen items as names (for checks). */
    public List<String> seen(Object user) {
        BitSet s = seen[users.require(user)];
        List<String> out = new ArrayList<>();
        if (s != null) {
            s.stream().forEach(i -> out.add(items.get(i)));
        }
        return out;
    }
}
