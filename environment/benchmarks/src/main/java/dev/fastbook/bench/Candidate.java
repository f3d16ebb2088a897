package dev.fastbook.bench;

import dev.fastbook.collab.core.Tensors;
import dev.fastbook.collab.data.CollabDataLoaders;
import dev.fastbook.collab.model.DotBiasSide;
import dev.fastbook.collab.model.EmbeddingDotBias;
import dev.fastbook.collab.model.Module;
import dev.fastbook.collab.model.SideFeatures;
import dev.fastbook.collab.model.TabularModel;
import dev.fastbook.collab.model.YRange;
import dev.fastbook.collab.train.Learner;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import tech.tablesaw.api.Table;

/**
 * One setting the leaderboard search tries: a model family ({@code dot}, {@code side},
 * {@code tabular}), its sizes and training hyper-parameters, and which side columns it uses
 * ({@code none}, {@code demographics}, {@code genres}, {@code all}).
 */
record Candidate(String family, int factors, int[] layers, String side, int epochs, double lr, double wd, int bs) {
    static final YRange Y_RANGE = new YRange(0, 5.5);
    static final String[] DEMOGRAPHICS = {"ageGroup", "gender", "occupation"};

    static Candidate dot(int factors, int epochs, double lr, double wd, int bs) {
        return new Candidate("dot", factors, new int[0], "none", epochs, lr, wd, bs);
    }

    Candidate withFactors(int f) {
        return new Candidate(family, f, layers, side, epochs, lr, wd, bs);
    }

    Candidate withWd(double w) {
        return new Candidate(family, factors, layers, side, epochs, lr, w, bs);
    }

    Candidate withEpochs(int e) {
        return new Candidate(family, factors, layers, side, e, lr, wd, bs);
    }

    Candidate withLr(double l) {
        return new Candidate(family, factors, layers, side, epochs, l, wd, bs);
    }

    Candidate withSide(String s) {
        return new Candidate(family, factors, layers, s, epochs, lr, wd, bs);
    }

    Candidate withLayers(int... l) {
        return new Candidate(family, factors, l, side, epochs, lr, wd, bs);
    }

    Candidate as(String f) {
        return new Candidate(f, factors, layers, side, epochs, lr, wd, bs);
    }

    /** Builds the model for these DataLoaders' vocabularies, seeded so a setting always starts the same. */
    Module build(CollabDataLoaders dls, Table users, Table genres, long seed) {
        Tensors.seed(seed);
        return switch (family) {
            case "dot" -> EmbeddingDotBias.fromClasses(factors, dls.users(), dls.items(), Y_RANGE);
            case "side" -> new DotBiasSide(factors, side(dls, users, genres, false), Y_RANGE);
            case "tabular" -> TabularModel.withSide(side(dls, users, genres, true), layers, Y_RANGE);
            default -> throw new IllegalArgumentException("Unknown model family " + family);
        };
    }

    /** Trains a fresh model with one cycle and returns it. */
    Module train(CollabDataLoaders dls, Table users, Table genres, long seed) {
        Module m = build(dls, users, genres, seed);
        new Learner<>(dls, m).quiet().fitOneCycle(epochs, lr, wd);
        return m;
    }

    private SideFeatures side(CollabDataLoaders dls, Table users, Table genres, boolean tabular) {
        SideFeatures s = SideFeatures.of(dls.users(), dls.items());
        if (side.equals("demographics") || side.equals("all")) {
            s.userCategories(users, "user", DEMOGRAPHICS);
            if (tabular) {
                s.userContinuous(users, "user", "age");
            }
        }
        if (side.equals("genres") || side.equals("all")) {
            s.itemFlags(genres, "movie", SideFeatures.flagColumns(genres, "movie"));
        }
        return s;
    }

    /** The setting as keys under {@code prefix} (e.g. {@code u1.dot.factors=100}), for the choices file. */
    void putInto(java.util.Map<String, String> out, String prefix) {
        if (family.equals("tabular")) {
            out.put(
                    prefix + ".layers",
                    Arrays.stream(layers).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        } else {
            out.put(prefix + ".factors", Integer.toString(factors));
        }
        out.put(prefix + ".side", side);
        out.put(prefix + ".epochs", Integer.toString(epochs));
        out.put(prefix + ".lr", num(lr));
        out.put(prefix + ".wd", num(wd));
        out.put(prefix + ".bs", Integer.toString(bs));
    }

    /** The setting as the RESULT lines print it. */
    String describe() {
        String sizes = family.equals("tabular")
                ? "layers=" + Arrays.stream(layers).mapToObj(Integer::toString).collect(Collectors.joining("+"))
                : "factors=" + factors;
        return String.format(
                Locale.ROOT, "%s side=%s epochs=%d lr=%s wd=%s bs=%d", sizes, side, epochs, num(lr), num(wd), bs);
    }

    static String num(double v) {
        return new java.math.BigDecimal(v)
                .round(new java.math.MathContext(3))
                .stripTrailingZeros()
                .toPlainString();
    }
}
