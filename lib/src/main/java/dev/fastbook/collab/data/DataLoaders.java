package dev.fastbook.collab.data;

/** What a Learner trains on, as fastai's {@code DataLoaders}: a training and a validation loader. */
public interface DataLoaders {
    /** The loader the Learner trains on, reshuffled every epoch. */
    DataLoader train();

    /** The loader the Learner validates on, in a fixed order. */
    DataLoader valid();
}
