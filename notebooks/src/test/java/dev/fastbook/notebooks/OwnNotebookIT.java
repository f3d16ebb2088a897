package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The library in a notebook of one's own: a notebook in a temporary folder, on a rapaio kernel whose
 * kernelspec puts nothing on the classpath (RJK_CLASSPATH empty), loads it with rapaio's dependency magic.
 *
 * <p>rapaio 3.0.1 resolves with Maven Resolver (MIMA) into its own repository beside the kernel jar
 * ({@code mima_cache}, or RJK_MIMA_CACHE taken relative to the jar's folder), from Maven Central, JBoss and
 * Atlassian: never from {@code ~/.m2} by itself. Here, as the README tells a user, the kernel's JVM gets
 * {@code -Dmaven.repo.local.tail=~/.m2/repository} (read-only: the build's third-party jars, no download), and
 * the library comes from a file repository the test builds from {@code lib/target} under a version of its
 * own, so an older copy installed in {@code ~/.m2} can never stand in for the one under test.
 */
class OwnNotebookIT {

    private static final String VERSION = "0.0.0-own-notebook-it";
    private Path temp;

    @BeforeEach
    void folders() throws IOException {
        temp = Files.createTempDirectory("own-notebook-it-");
    }

    @AfterEach
    void cleanUp() {
        Processes.deleteTree(temp);
    }

    /** lib's jar and pom (and the parent pom) in a Maven repository layout, under {@link #VERSION}. */
    private Path fileRepository() throws IOException {
        Path repo = ExecutedNotebook.repo();
        String projectVersion = System.getProperty("fastbook.version", "0.1.0-SNAPSHOT");
        Path jar = repo.resolve("lib/target/fastbook-collab-" + projectVersion + ".jar");
        assertTrue(Files.isRegularFile(jar), "the build packaged " + jar);
        Path files = temp.resolve("repository");
        Path lib = Files.createDirectories(files.resolve("dev/fastbook/fastbook-collab/" + VERSION));
        Path parent = Files.createDirectories(files.resolve("dev/fastbook/fastbook-parent/" + VERSION));
        Files.copy(jar, lib.resolve("fastbook-collab-" + VERSION + ".jar"));
        String parentVersion = "<version>" + projectVersion + "</version>";
        Files.writeString(
                lib.resolve("fastbook-collab-" + VERSION + ".pom"),
                Files.readString(repo.resolve("lib/pom.xml"))
                        .replace(parentVersion, "<version>" + VERSION + "</version>"));
        Files.writeString(
                parent.resolve("fastbook-parent-" + VERSION + ".pom"),
                Files.readString(repo.resolve("pom.xml"))
                        .replaceFirst(
                                java.util.regex.Pattern.quote(parentVersion), "<version>" + VERSION + "</version>"));
        return files;
    }

    /** A kernelspec "java-own" without the library: only the kernel jar (and its fixes when built). */
    private Path kernelspec() throws IOException {
        Path repo = ExecutedNotebook.repo();
        Path kernelDir = Files.createDirectories(temp.resolve("kernel"));
        Path jar = Files.copy(
                repo.resolve("notebooks/target/kernel/rapaio-jupyter-kernel.jar"),
                kernelDir.resolve("rapaio-jupyter-kernel.jar"));
        Path fix = repo.resolve("notebooks/target/kernel/rapaio-kernel-fix.jar");
        JsonArray argv = new JsonArray();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.add("-Dai.djl.offline=true");
        argv.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        argv.add("-Dmaven.repo.local.tail=" + Path.of(System.getProperty("user.home"), ".m2", "repository"));
        argv.add("-cp");
        argv.add((Files.isRegularFile(fix) ? fix + java.io.File.pathSeparator : "") + jar);
        argv.add("org.rapaio.jupyter.kernel.MainApp");
        argv.add("{connection_file}");
        JsonObject env = new JsonObject();
        env.addProperty("RJK_CLASSPATH", "");
        JsonObject spec = new JsonObject();
        spec.add("argv", argv);
        spec.addProperty("display_name", "Java (no library)");
        spec.addProperty("language", "java");
        spec.addProperty("interrupt_mode", "message");
        spec.add("env", env);
        Path specDir = Files.createDirectories(temp.resolve("jupyter/kernels/java-own"));
        Files.writeString(specDir.resolve("kernel.json"), spec.toString());
        return temp.resolve("jupyter");
    }

    @Test
    void dependencyMagicLoadsTheLibrary() throws IOException {
        Path files = fileRepository();
        Path jupyterPath = kernelspec();
        Path folder = Files.createDirectories(temp.resolve("my notebooks"));
        Path notebook = folder.resolve("mine.ipynb");
        Files.writeString(
                notebook,
                Processes.notebook(
                        "java-own",
                        List.of(
                                "%dependency /add-repo fastbook " + files.toUri(),
                                "%dependency /add dev.fastbook:fastbook-collab:" + VERSION,
                                "%dependency /resolve",
                                "import dev.fastbook.collab.data.*;\nimport dev.fastbook.collab.movielens.*;",
                                "var ratings = MovieLens.ratings();\nratings.first(3)",
                                "Crosstab.mostActive(ratings, 5, 5)")));

        Path repo = ExecutedNotebook.repo();
        String python = new String(Files.readAllBytes(Path.of("/usr/bin/jupyter")))
                .lines()
                .findFirst()
                .filter(l -> l.startsWith("#!"))
                .map(l -> l.substring(2).strip())
                .orElse("python3");
        Path executed = folder.resolve("mine.out.ipynb");
        Processes.Result r = Processes.run(
                List.of(
                        python,
                        repo.resolve("environment/execute-notebook.py").toString(),
                        notebook.toString(),
                        executed.toString(),
                        folder.resolve("mine.failed.ipynb").toString(),
                        "300",
                        "60",
                        "java-own"),
                folder,
                Map.of("JUPYTER_PATH", jupyterPath.toString()),
                900);
        assertEquals(0, r.exit(), r::describe);

        ExecutedNotebook nb = ExecutedNotebook.read("mine", executed, 0);
        nb.assertNoErrors();
        assertTrue(
                nb.codeCells().get(2).text().contains("fastbook-collab-" + VERSION + ".jar"),
                () -> "the library came from the file repository: "
                        + nb.codeCells().get(2).text());
        HtmlTable head = nb.codeCells().get(4).tables().get(0);
        assertEquals(List.of("196", "242", "3"), head.rows().get(0).subList(0, 3), head::toString);
        List<HtmlTable> crosstab = nb.codeCells().get(5).tables();
        assertFalse(
                crosstab.isEmpty(),
                () -> "the crosstab renders as an HTML table: "
                        + nb.codeCells().get(5).text());
        assertEquals(5, crosstab.get(0).rows().size(), crosstab.get(0)::toString);
    }
}
