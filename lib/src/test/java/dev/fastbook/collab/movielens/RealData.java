package dev.fastbook.collab.movielens;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opentest4j.TestAbortedException;

/**
 * The real MovieLens folders, found like the library finds them, {@code $FASTBOOK_DATA/<name>}
 * (resolved against the working folder and its parent: Surefire runs in lib/ while FASTBOOK_DATA is
 * often relative to the repository root), then the cache {@code ~/.fastbook/data/<name>}, then the
 * repository's sibling {@code ../shared/data} that CI provides. Tests never download. A release
 * that is absent skips the test on a developer's machine, saying what is missing, and fails it under
 * {@code CI=true}, where the data is always there.
 */
public final class RealData {

    private RealData() {}

    public static Path ml100k() {
        return require("ml-100k");
    }

    public static Path mlLatestSmall() {
        return require("ml-latest-small");
    }

    /** The folder holding {@code <name>/} with its files: what to pass as FASTBOOK_DATA for {@code findFolder}. */
    public static Path base(String name) {
        return require(name).getParent();
    }

    /** The release's folder, or the test stops here: skipped, or failed under CI. */
    public static Path require(String name) {
        return folder(name)
                .orElseThrow(() -> absent("MovieLens " + name + " is not on this machine (looked in $"
                        + MovieLens.ENV_VAR + ", " + MovieLens.cacheRoot() + " and ../shared/data); set "
                        + MovieLens.ENV_VAR
                        + " to a folder holding " + name + "/"));
    }

    /** What to throw when something outside the repository is missing: a skip, except under CI=true. */
    public static RuntimeException absent(String what) {
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true, so this test may not skip: " + what);
        }
        return new TestAbortedException(what);
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
