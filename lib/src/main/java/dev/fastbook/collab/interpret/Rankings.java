package dev.fastbook.collab.interpret;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Sorting a per-item score (a bias, a similarity) back into names, as the chapter's argsort does. */
public final class Rankings {
    private Rankings() {}

    /** Labels of the {@code n} lowest scores, lowest first. Index 0 ({@code #na#}) is skipped: it is no title. */
    public static List<String> lowest(float[] scores, List<String> labels, int n) {
        return pick(scores, labels, n, Comparator.comparingDouble(i -> scores[i]));
    }

    /** Labels of the {@code n} highest scores, highest first, skipping index 0. */
    public static List<String> highest(float[] scores, List<String> labels, int n) {
        return pick(scores, labels, n, Comparator.comparingDouble(i -> -scores[i]));
    }

    /** Indices in ascending order of score, like {@code argsort}. */
    public static int[] argsort(float[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble(i -> scores[i])).mapToInt(Integer::intValue).toArray();
    }

    private static List<String> pick(float[] scores, List<String> labels, int n, Comparator<Integer> order) {
        if (scores.length != labels.size()) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.size() + " labels");
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 1; i < scores.length; i++) {
            idx.add(i);
        }
        idx.sort(order);
        return idx.stream().limit(n).map(labels::get).toList();
    }
}
