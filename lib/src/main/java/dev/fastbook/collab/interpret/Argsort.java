package dev.fastbook.collab.interpret;

import dev.fastbook.collab.core.Counts;
import dev.fastbook.collab.core.Vocab;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import tech.tablesaw.api.Table;

/** Sorting a per-item score (a bias, a similarity) back into names, as the chapter's argsort does. */
public final class Argsort {
    private Argsort() {}

    /**
     * Labels of the {@code n} lowest scores, lowest first. A {@code #na#} label (index 0 of a
     * vocabulary) is skipped: it is no title. The labels may be a whole vocabulary (scores by
     * index, e.g. a bias column) or any names (e.g. scores from {@code itemBias(names)}).
     */
    public static List<String> lowest(float[] scores, List<String> labels, int n) {
        return pick(scores, labels, n, Comparator.comparingDouble(i -> scores[i]));
    }

    /** Labels of the {@code n} highest scores, highest first, skipping a {@code #na#} label. */
    public static List<String> highest(float[] scores, List<String> labels, int n) {
        return pick(scores, labels, n, Comparator.comparingDouble(i -> -scores[i]));
    }

    /**
     * The {@code n} most frequent values of a column, most frequent first (ties by value), like
     * pandas' {@code groupby(col).count().sort_values(ascending=False)}: e.g. the most rated titles.
     */
    public static List<String> mostFrequent(Table table, String column, int n) {
        return Counts.mostFrequent(table, column, n).stream()
                .map(String::valueOf)
                .toList();
    }

    /** Indices in ascending order of score, like {@code argsort}. */
    public static int[] argsort(float[] scores) {
        return IntStream.range(0, scores.length)
                .boxed()
                .sorted(Comparator.comparingDouble(i -> scores[i]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static List<String> pick(float[] scores, List<String> labels, int n, Comparator<Integer> order) {
        if (scores.length != labels.size()) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.size() + " labels");
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (!Vocab.NA.equals(labels.get(i))) {
                idx.add(i);
            }
        }
        idx.sort(order);
        return idx.stream().limit(n).map(labels::get).toList();
    }
}
