package dev.fastbook.collab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.core.Vocab;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The extra columns of users and items (MovieLens' age, gender, occupation, genres...) as lookup
 * tables indexed like the model's embeddings, so a model fed only {@code [user, item]} finds a
 * row's side columns itself, and top-k lists over every item need nothing else. Three kinds, as
 * fastai's tabular models see columns: categories (an embedding each), continuous values
 * (normalised to mean 0, std 1 over the known rows), and flags (0/1 columns such as the 19 genres).
 * A user or item the side table lacks, and {@code #na#}, get category 0 and zeros.
 *
 * <pre>{@code
 * var side = SideFeatures.of(dls.users(), dls.items())
 *     .userCategories(users, "user", "gender", "occupation")
 *     .itemFlags(movies, "movie", genres);
 * }</pre>
 */
public final class SideFeatures {
    /** One categorical column: the code of each user (or item) row and the column's vocabulary. */
    public record Category(String name, int[] codes, Vocab vocab) {}

    private final Vocab users;
    private final Vocab items;
    private final SideTableCheck check = new SideTableCheck();
    final List<Category> userCats = new ArrayList<>();
    final List<Category> itemCats = new ArrayList<>();
    final List<String> userContNames = new ArrayList<>();
    final List<float[]> userCont = new ArrayList<>();
    final List<String> itemContNames = new ArrayList<>();
    final List<float[]> itemCont = new ArrayList<>();
    final List<String> flagNames = new ArrayList<>();
    final List<float[]> itemFlags = new ArrayList<>();

    private SideFeatures(Vocab users, Vocab items) {
        this.users = users;
        this.items = items;
    }

    /** No side columns yet, for these user and item vocabularies (the DataLoaders'). */
    public static SideFeatures of(Vocab users, Vocab items) {
        return new SideFeatures(users, items);
    }

    /** Categorical columns of a user table whose id column is {@code idColumn}. */
    public SideFeatures userCategories(Table table, String idColumn, String... columns) {
        for (String c : columns) {
            userCats.add(category(table, idColumn, c, users));
        }
        return this;
    }

    public SideFeatures itemCategories(Table table, String idColumn, String... columns) {
        for (String c : columns) {
            itemCats.add(category(table, idColumn, c, items));
        }
        return this;
    }

    /** Numeric user columns, normalised. */
    public SideFeatures userContinuous(Table table, String idColumn, String... columns) {
        for (String c : columns) {
            userContNames.add(c);
            userCont.add(normalised(numbers(table, idColumn, c, users, false)));
        }
        return this;
    }

    public SideFeatures itemContinuous(Table table, String idColumn, String... columns) {
        for (String c : columns) {
            itemContNames.add(c);
            itemCont.add(normalised(numbers(table, idColumn, c, items, false)));
        }
        return this;
    }

    /** 0/1 item columns (e.g. genres): an item's side vector is the mean of its flags' vectors. */
    public SideFeatures itemFlags(Table table, String idColumn, String... columns) {
        for (String c : columns) {
            flagNames.add(c);
            float[] v = numbers(table, idColumn, c, items, true);
            for (int i = 0; i < v.length; i++) {
                v[i] = Float.isNaN(v[i]) ? 0 : v[i];
            }
            itemFlags.add(v);
        }
        return this;
    }

    /**
     * A copy of a users table with its {@code age} also as a category, {@code ageGroup}, in ml-1m's
     * brackets (under 18, 18-24, 25-34, 35-44, 45-49, 50-55, 56+): a dot product's side embedding
     * needs groups, not a number.
     */
    public static Table withAgeGroups(Table users) {
        tech.tablesaw.api.StringColumn g = tech.tablesaw.api.StringColumn.create("ageGroup");
        tech.tablesaw.api.IntColumn ages = users.intColumn("age");
        for (int r = 0; r < ages.size(); r++) {
            int age = ages.getInt(r);
            g.append(
                    ages.isMissing(r)
                            ? "unknown"
                            : age < 18
                                    ? "under 18"
                                    : age < 25
                                            ? "18-24"
                                            : age < 35
                                                    ? "25-34"
                                                    : age < 45
                                                            ? "35-44"
                                                            : age < 50 ? "45-49" : age < 56 ? "50-55" : "56+");
        }
        long unknown = g.countOccurrences("unknown");
        if (unknown > 0) {
            System.out.println("withAgeGroups: " + unknown + " of " + ages.size() + " users of " + users.name()
                    + " have no age; their ageGroup is 'unknown'.");
        }
        return users.copy().addColumns(g);
    }

    /** Every column of a flags table but its id column (e.g. the genres of {@code MovieLens.genres()}). */
    public static String[] flagColumns(Table flags, String idColumn) {
        return flags.columnNames().stream().filter(c -> !c.equals(idColumn)).toArray(String[]::new);
    }

    /** The user vocabulary the side columns are indexed by. */
    public Vocab users() {
        return users;
    }

    /** The item vocabulary the side columns are indexed by. */
    public Vocab items() {
        return items;
    }

    /** The names of every side column, users' first. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        userCats.forEach(c -> out.add(c.name()));
        out.addAll(userContNames);
        itemCats.forEach(c -> out.add(c.name()));
        out.addAll(itemContNames);
        out.addAll(flagNames);
        return out;
    }

    @Override
    public String toString() {
        return "SideFeatures" + names();
    }

    // ---- lookup tables for the models ---------------------------------------------------

    /** {@code [rows, columns]} long codes of the given categories (rows = vocabulary size). */
    static NDArray codes(List<Category> cats, int rows) {
        long[] flat = new long[rows * cats.size()];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cats.size(); c++) {
                flat[r * cats.size() + c] = cats.get(c).codes()[r];
            }
        }
        return Tensors.manager().create(flat, new Shape(rows, cats.size()));
    }

    /** {@code [rows, columns]} floats, or null when there are no columns. */
    static NDArray matrix(List<float[]> cols, int rows) {
        if (cols.isEmpty()) {
            return null;
        }
        float[] flat = new float[rows * cols.size()];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols.size(); c++) {
                flat[r * cols.size() + c] = cols.get(c)[r];
            }
        }
        NDManager m = Tensors.manager();
        return m.create(flat, new Shape(rows, cols.size()));
    }

    // ---- reading the tables ---------------------------------------------------------------

    private Category category(Table table, String idColumn, String column, Vocab vocab) {
        Map<String, Integer> rows = check.rowsById(table, idColumn, column, vocab);
        Column<?> col = table.column(column);
        List<String> values = new ArrayList<>();
        for (int r = 0; r < table.rowCount(); r++) {
            if (!col.isMissing(r)) {
                values.add(col.getString(r));
            }
        }
        Vocab v = Vocab.of(column, values);
        int[] codes = new int[vocab.size()];
        int missing = 0;
        String example = null;
        for (int i = 1; i < vocab.size(); i++) {
            Integer r = rows.get(vocab.get(i));
            if (r != null && col.isMissing(r)) {
                missing++;
                example = example == null ? vocab.get(i) : example;
            }
            codes[i] = r == null || col.isMissing(r) ? 0 : v.indexOf(col.getString(r));
        }
        check.missing(table, column, missing, example, vocab, "category #na#");
        return new Category(column, codes, v);
    }

    private float[] numbers(Table table, String idColumn, String column, Vocab vocab, boolean flags) {
        Map<String, Integer> rows = check.rowsById(table, idColumn, column, vocab);
        Column<?> col = table.column(column);
        if (!(col instanceof tech.tablesaw.api.NumericColumn<?> num)) {
            throw new IllegalArgumentException("Column '" + column + "' of " + table.name() + " is " + col.type()
                    + ", not numeric: give it as a category instead.");
        }
        float[] out = new float[vocab.size()];
        int missing = 0;
        String example = null;
        for (int i = 1; i < vocab.size(); i++) {
            Integer r = rows.get(vocab.get(i));
            if (r != null && num.isMissing(r)) {
                missing++;
                example = example == null ? vocab.get(i) : example;
            } else if (r != null && flags) {
                SideTableCheck.flag(table, column, vocab.get(i), num.getDouble(r));
            }
            out[i] = r == null || num.isMissing(r) ? Float.NaN : (float) num.getDouble(r);
        }
        check.missing(table, column, missing, example, vocab, flags ? "0" : "the column's mean");
        return out;
    }

    // Mean 0, std 1 over the known rows; unknown rows (NaN) become 0, the mean.
    private static float[] normalised(float[] v) {
        double sum = 0, sq = 0;
        int n = 0;
        for (int i = 1; i < v.length; i++) {
            if (!Float.isNaN(v[i])) {
                sum += v[i];
                sq += v[i] * v[i];
                n++;
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        double std = n == 0 ? 1 : Math.sqrt(Math.max(sq / n - mean * mean, 1e-12));
        float[] out = new float[v.length];
        for (int i = 1; i < v.length; i++) {
            out[i] = Float.isNaN(v[i]) ? 0 : (float) ((v[i] - mean) / std);
        }
        return out;
    }
}
