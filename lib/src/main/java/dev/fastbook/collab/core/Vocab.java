package dev.fastbook.collab.core;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * fastai's category vocabulary: {@code #na#} at index 0, then the distinct values in sorted order
 * (numbers numerically, text by code point). A value that is not in it maps to 0.
 */
public final class Vocab extends AbstractList<String> {
    public static final String NA = "#na#";
    private final String name;
    private final List<String> items;
    private final Map<String, Integer> o2i;
    // Set by ofInts only: the sorted distinct ids, so indexOfInt needs no String per lookup.
    private int[] ints;

    private Vocab(String name, List<String> items) {
        this.name = name;
        this.items = List.copyOf(items);
        this.o2i = new HashMap<>(items.size() * 2);
        for (int i = 0; i < items.size(); i++) {
            o2i.put(items.get(i), i);
        }
    }

    /** Builds the vocabulary of {@code values}; integers sort as numbers, anything else as text. */
    public static Vocab of(String name, Collection<?> values) {
        List<Object> distinct = new ArrayList<>(new java.util.HashSet<>(values));
        distinct.sort((a, b) -> a instanceof Number x && b instanceof Number y
                ? Double.compare(x.doubleValue(), y.doubleValue())
                : a.toString().compareTo(b.toString()));
        List<String> items = new ArrayList<>(distinct.size() + 1);
        items.add(NA);
        for (Object o : distinct) {
            items.add(o.toString());
        }
        return new Vocab(name, items);
    }

    /**
     * The vocabulary of integer ids, from their sorted distinct values: the same list {@link #of}
     * gives for those ints, built without boxing (25M ids map in well under a second).
     */
    public static Vocab ofInts(String name, int[] sortedDistinct) {
        List<String> items = new ArrayList<>(sortedDistinct.length + 1);
        items.add(NA);
        for (int i = 0; i < sortedDistinct.length; i++) {
            if (i > 0 && sortedDistinct[i] <= sortedDistinct[i - 1]) {
                throw new IllegalArgumentException("ofInts needs sorted distinct ids; " + name + " has "
                        + sortedDistinct[i - 1] + " before " + sortedDistinct[i]);
            }
            items.add(Integer.toString(sortedDistinct[i]));
        }
        Vocab v = new Vocab(name, items);
        v.ints = sortedDistinct.clone();
        return v;
    }

    /** The index of an int id, or 0 ({@code #na#}); a binary search for vocabularies made by {@link #ofInts}. */
    public int indexOfInt(int value) {
        if (ints == null) {
            return indexOf(value);
        }
        int i = java.util.Arrays.binarySearch(ints, value);
        return i < 0 ? 0 : i + 1;
    }

    /** A vocabulary in a given order, e.g. read back from a saved model; it must start with {@code #na#}. */
    public static Vocab fromList(String name, List<String> items) {
        if (items.isEmpty() || !NA.equals(items.get(0))) {
            throw new IllegalArgumentException("A vocabulary starts with " + NA + "; " + name + " starts with "
                    + (items.isEmpty() ? "nothing" : "'" + items.get(0) + "'"));
        }
        if (new java.util.HashSet<>(items).size() != items.size()) {
            throw new IllegalArgumentException("The " + name + " vocabulary has repeated values");
        }
        return new Vocab(name, items);
    }

    /** The column this vocabulary encodes. */
    public String name() {
        return name;
    }

    @Override
    public String get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }

    /** The index of a value, or 0 ({@code #na#}) when it was never seen. */
    public int indexOf(Object value) {
        return o2i.getOrDefault(String.valueOf(value), 0);
    }

    /**
     * The index of a value that must be known; otherwise the error names the vocabulary and up to
     * three close values ("did you mean ..."). Use {@link #requireFromTraining} for a vocabulary
     * built from the training rows only, where a missing value may be in the validation rows.
     */
    public int require(Object value) {
        return require(value, "");
    }

    /**
     * {@link #require}, for a vocabulary built from the training rows only (the users): the error
     * also says, as fastai's does, that the value may be only in the validation rows.
     */
    public int requireFromTraining(Object value) {
        return require(
                value,
                " It isn't in the training data; if it was in your original data, it may have"
                        + " been split such that it's only in the validation set now.");
    }

    private int require(Object value, String hint) {
        Integer i = value == null ? null : o2i.get(String.valueOf(value));
        if (i == null || i == 0) {
            String shown = value == null ? "null" : "'" + value + "'";
            List<String> close = value == null ? List.of() : closest(String.valueOf(value), 3);
            String advice = close.isEmpty()
                    ? ". Values must match exactly" + (size() > 1 ? ", e.g. '" + get(1) + "'." : ".")
                    : "; did you mean " + orList(close) + "?";
            throw new IllegalArgumentException(
                    shown + " is not in the " + name + " vocabulary (" + (size() - 1) + " values)" + advice + hint);
        }
        return i;
    }

    /**
     * Up to {@code n} values close to {@code query}, closest first: the same apart from case and
     * whitespace, then values that contain it (or that it contains), then by edit distance (at
     * most a third of its length).
     */
    List<String> closest(String query, int n) {
        String q = normalise(query);
        if (q.isEmpty()) {
            return List.of();
        }
        int limit = Math.max(1, q.length() / 3);
        record Match(int index, int rank, int score) {}
        List<Match> found = new ArrayList<>();
        for (int idx = 1; idx < items.size(); idx++) {
            String c = normalise(items.get(idx));
            if (c.equals(q)) {
                found.add(new Match(idx, 0, 0));
            } else if (q.length() >= 3 && (c.contains(q) || q.contains(c) && c.length() >= 3)) {
                found.add(new Match(idx, 1, Math.abs(c.length() - q.length())));
            } else {
                int d = editDistance(q, c, limit);
                if (d <= limit) {
                    found.add(new Match(idx, 2, d));
                }
            }
        }
        found.sort(java.util.Comparator.comparingInt(Match::rank)
                .thenComparingInt(Match::score)
                .thenComparingInt(Match::index));
        return found.stream().limit(n).map(m -> items.get(m.index())).toList();
    }

    private static String normalise(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            if (!Character.isWhitespace(ch)) {
                b.append(Character.toLowerCase(ch));
            }
        }
        return b.toString();
    }

    /** Levenshtein distance, or {@code limit + 1} as soon as it must exceed {@code limit}. */
    private static int editDistance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return limit + 1;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin > limit) {
                return limit + 1;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String orList(List<String> values) {
        List<String> quoted = values.stream().map(v -> "'" + v + "'").toList();
        return quoted.size() == 1
                ? quoted.get(0)
                : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + quoted.get(quoted.size() - 1);
    }

    /** Value to index, fastai's {@code o2i}. */
    public Map<String, Integer> o2i() {
        return java.util.Collections.unmodifiableMap(o2i);
    }
}
