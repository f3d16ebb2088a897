package dev.fastbook.collab.model;

import java.util.List;

/**
 * fastai's {@code EmbeddingNN}, written as the chapter's last code cell writes it: a
 * {@link TabularModel} with no continuous columns and one output.
 */
public class EmbeddingNN extends TabularModel {
    public EmbeddingNN(List<EmbSz> embSzs, int[] layers, YRange yRange) {
        super(embSzs, 0, 1, layers, yRange);
    }
}
