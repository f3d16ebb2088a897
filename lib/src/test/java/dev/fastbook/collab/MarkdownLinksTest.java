package dev.fastbook.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in the repository's Markdown files points at a file or folder that exists, and a
 * {@code #anchor} into a Markdown file names one of its headings (GitHub's rule for heading ids).
 */
class MarkdownLinksTest {

    /** Inline links and images: {@code [text](target)} and {@code ![alt](target "title")}. */
    private static final Pattern LINK =
            Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules", ".mvn");

    @Test
    void everyRelativeLinkInTheRepositoryResolves() throws IOException {
        Path root = repositoryRoot();
        List<Path> files = markdownFiles(root);
        assertTrue(files.size() >= 4, "expected the README pages under " + root + ", found " + files);
        List<String> broken = brokenLinks(root, files);
        assertTrue(broken.isEmpty(), broken.size() + " broken link(s):\n" + String.join("\n", broken));
    }

    @Test
    void aMissingFileOrHeadingIsReported(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/page.md"), "# A page\n\n## Two words\n");
        Files.writeString(
                dir.resolve("README.md"),
                String.join(
                        "\n",
                        "# Top",
                        "[ok](docs/page.md) [ok too](docs/page.md#two-words) [self](#top) [web](https://example.org/x)",
                        "[gone](docs/missing.md) and [no such heading](docs/page.md#three-words)",
                        "```",
                        "[inside a code block](nowhere.md)",
                        "```",
                        "`[in code](nowhere.md)`"));
        List<String> broken = brokenLinks(dir, markdownFiles(dir));
        assertEquals(
                List.of(
                        "README.md:3: docs/missing.md: no such file",
                        "README.md:3: docs/page.md#three-words: no heading with that id in docs/page.md"),
                broken);
    }

    @Test
    void headingIdsFollowGitHub() {
        assertEquals("the-chapters-training-against-pytorch", slug("The chapter's training against PyTorch"));
        assertEquals("environment-the-commands", slug("`environment`: the commands"));
        assertEquals("the-library-devfastbookfastbook-collab", slug("The library: `dev.fastbook:fastbook-collab`"));
    }

    static List<String> brokenLinks(Path root, List<Path> files) {
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = readLines(file);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) {
                    continue;
                }
                Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", ""));
                while (m.find()) {
                    String problem = problem(file, m.group(1), anchors);
                    if (problem != null) {
                        broken.add(root.relativize(file) + ":" + (i + 1) + ": " + m.group(1) + ": " + problem);
                    }
                }
            }
        }
        return broken;
    }

    /** What is wrong with one link target, or null when it resolves (or is not relative). */
    private static String problem(Path file, String target, Map<Path, Set<String>> anchors) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return null; // https:, mailto: ...
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor == null || !resolved.toString().endsWith(".md")) {
            return null;
        }
        Set<String> ids = anchors.computeIfAbsent(resolved, MarkdownLinksTest::headingIds);
        return ids.contains(anchor)
                ? null
                : "no heading with that id in " + file.getParent().relativize(resolved);
    }

    private static Set<String> headingIds(Path file) {
        Set<String> ids = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : readLines(file)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
            }
            Matcher m = HEADING.matcher(line);
            if (!fenced && m.matches()) {
                String id = slug(m.group(1));
                int n = seen.merge(id, 1, Integer::sum);
                ids.add(n == 1 ? id : id + "-" + (n - 1));
            }
        }
        return ids;
    }

    /** GitHub's heading id: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(java.util.Locale.ROOT);
        return text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    private static List<Path> markdownFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> root.relativize(p).toString().isEmpty() || !inSkippedDir(root.relativize(p)))
                    .sorted()
                    .toList();
        }
    }

    private static boolean inSkippedDir(Path relative) {
        for (Path part : relative) {
            if (SKIPPED_DIRS.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    /** The folder holding the parent pom: tests run in lib/, the repository is its parent. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("lib")) && Files.exists(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        assertTrue(
                dir != null,
                "no repository root (a folder with pom.xml and lib/) above "
                        + Path.of("").toAbsolutePath());
        return dir;
    }
}
