package dev.fastbook.collab.model;

import dev.fastbook.collab.data.CollabDataLoaders;

import java.util.List;

/** An embedding's size: {@code n} rows (the vocabulary, with #na#) by {@code f} factors. */
public record EmbSz(int n, int f) {
    /** fastai's {@code get_emb_sz}: the rule of thumb for the user and item columns. */
    public static List<EmbSz> getEmbSz(CollabDataLoaders dls) {
        return List.of(of(dls.users().size()), of(dls.items().size()));
    }

    /** The size {@link Layers#embSzRule(int)} gives a vocabulary of {@code n}. */
    public static EmbSz of(int n) {
        return new EmbSz(n, Layers.embSzRule(n));
    }

    @Override
    public String toString() {
        return "(" + n + ", " + f + ")";
    }
}
