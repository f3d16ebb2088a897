package dev.fastbook.collab.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child process of {@link VersionedFolderTest}: publishes {@code args[2]} versions into the
 * folder {@code args[0]}, each two files holding the same token ({@code args[1]} and a count), then
 * prints how many landed and each failure.
 */
public final class FolderWriter {
    public static void main(String[] args) throws Exception {
        VersionedFolder folder = new VersionedFolder(Path.of(args[0]), "v");
        int n = Integer.parseInt(args[2]);
        int saved = 0;
        for (int i = 0; i < n; i++) {
            String token = args[1] + "-" + i + "-" + "x".repeat(4096);
            try {
                folder.publish(d -> {
                    Files.writeString(d.resolve("a.txt"), token);
                    Files.writeString(d.resolve("b.txt"), token);
                });
                saved++;
            } catch (Exception e) {
                ChildJvm.say("error " + e);
            }
        }
        ChildJvm.say("saved " + saved);
    }
}
