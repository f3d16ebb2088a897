package dev.fastbook.collab.recommend;

import java.util.Locale;

/** One recommended item with the model's predicted rating. */
public record Recommendation(String item, double predicted) {
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.3f  %s", predicted, item);
    }
}
