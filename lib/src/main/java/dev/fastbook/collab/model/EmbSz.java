package dev.fastbook.collab.model;

/** An embedding's size: {@code n} rows (the vocabulary, with #na#) by {@code f} factors. */
public record EmbSz(int n, int f) {
    /** The size {@link Layers#embSzRule(int)} gives a vocabulary of {@code n}. */
    public static EmbSz of(int n) {
        return new EmbSz(n, Layers.embSzRule(n));
    }

    @Override
    public String toString() {
        return "(" + n + ", " + f + ")";
    }
}
