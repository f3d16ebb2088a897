package dev.fastbook.collab.recommend;

import dev.fastbook.collab.core.ChildJvm;
import java.nio.file.Path;

/**
 * A child process of {@link ConcurrentSaveTest}: saves model {@code args[1]} into the folder
 * {@code args[0]} {@code args[2]} times, then prints how many saves landed and each failure.
 */
public final class SaveMany {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Recommender rec = Recommender.of(SaveLoop.model(Integer.parseInt(args[1])));
        int n = Integer.parseInt(args[2]);
        int saved = 0;
        int refused = 0;
        for (int i = 0; i < n; i++) {
            try {
                rec.save(dir);
                saved++;
            } catch (Exception e) {
                refused++;
                ChildJvm.say("error " + e);
            }
        }
        ChildJvm.say("saved " + saved + " refused " + refused);
    }
}
