package dev.fastbook.collab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The real ml-100k folder from FASTBOOK_DATA, when a machine has it (tests skip otherwise). */
final class RealData {

    private RealData() {
    }

    static Optional<Path> ml100k() {
        String env = System.getenv(MovieLens.ENV_VAR);
        if (env == null || env.isBlank()) {
            return Optional.empty();
        }
        // Surefire runs in lib/, but FASTBOOK_DATA is often written relative to the repository root.
        Path cwd = Path.of("").toAbsolutePath();
        for (Path base : new Path[] {cwd, cwd.getParent()}) {
            Path folder = base.resolve(env).resolve("ml-100k").normalize();
            if (Files.isRegularFile(folder.resolve("u.data")) && Files.isRegularFile(folder.resolve("u.item"))) {
                return Optional.of(folder);
            }
        }
        return Optional.empty();
    }
}
