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
     * The index of a value that must be known: the error says why it may be missing, as fastai's
     * does (a value seen only in the validation rows is not in a training-built vocabulary).
     */
    public int require(Object value) {
        Integer i = o2i.get(String.valueOf(value));
        if (i == null || i == 0) {
            throw new IllegalArgumentException("'" + value + "' is not in the " + name + " vocabulary ("
                    + (size() - 1) + " values). It isn't in the training data; if it was in your original"
                    + " data, it may have been split such that it's only in the validation set now.");
        }
        return i;
    }

    /** Value to index, fastai's {@code o2i}. */
    public Map<String, Integer> o2i() {
        return java.util.Collections.unmodifiableMap(o2i);
    }
}
