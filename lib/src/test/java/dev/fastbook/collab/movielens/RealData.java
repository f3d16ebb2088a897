package dev.fastbook.collab.movielens;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The real MovieLens folders when a machine has them (tests skip otherwise, and never download):
 * found like the library finds them, {@code $FASTBOOK_DATA/<name>} (resolved against the working
 * folder and its parent: Surefire runs in lib/ while FASTBOOK_DATA is often relative to the
 * repository root), then the cache {@code ~/.fastbook/data/<name>}, then the repository's sibling
 * {@code ../shared/data} that CI provides.
 */
public final class RealData {

    private RealData() {
    }

    public static Optional<Path> ml100k() {
        return folder("ml-100k");
    }

    public static Optional<Path> mlLatestSmall() {
        return folder("ml-latest-small");
    }

    /** The folder holding {@code <name>/} with its files: what to pass as FASTBOOK_DATA for {@code findFolder}. */
    public static Optional<Path> base(String name) {
        return folder(name).map(Path::getParent);
    }

    public static Optional<Path> folder(String name) {
        Release release = MovieLens.release(name);
        Path cwd = Path.of("").toAbsolutePath();
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv(MovieLens.ENV_VAR);
        if (env != null && !env.isBlank()) {
            candidates.add(cwd.resolve(env));
            if (cwd.getParent() != null) {
                candidates.add(cwd.getParent().resolve(env));
            }
        }
        candidates.add(MovieLens.cacheRoot());
        for (Path base = cwd; base != null; base = base.getParent()) {
            candidates.add(base.resolve("shared/data"));
            candidates.add(base.resolve("../shared/data"));
        }
        for (Path base : candidates) {
            for (String alias : release.folderNames()) {
                Path folder = base.resolve(alias).normalize();
                if (release.missingFiles(folder).isEmpty()) {
                    return Optional.of(folder);
                }
            }
        }
        return Optional.empty();
    }
}
