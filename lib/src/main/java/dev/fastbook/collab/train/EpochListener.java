package dev.fastbook.collab.train;

import java.util.function.Consumer;

/** {@link Learner#afterEpoch}'s callback: each epoch's row, as soon as it is done. */
record EpochListener(Consumer<ResultsTable.Row> listener) implements Callback {
    @Override
    public void afterEpoch(Learner<?, ?> learn) {
        listener.accept(learn.results().last());
    }

    @Override
    public boolean needsTensors() {
        return false; // it reads the results table only
    }
}
