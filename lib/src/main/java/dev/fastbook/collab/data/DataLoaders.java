package dev.fastbook.collab.data;

/** What a Learner trains on, as fastai's {@code DataLoaders}: a training and a validation loader. */
public interface DataLoaders {
    DataLoader train();

    DataLoader valid();
}
