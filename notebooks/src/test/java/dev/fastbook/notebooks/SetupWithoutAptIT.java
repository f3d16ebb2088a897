package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code environment/setup} on a machine without apt and without Debian's Jupyter (macOS, Fedora, conda, WSL
 * without root): played with a PATH that holds only bash, java and the few tools the script needs, and
 * {@code FASTBOOK_SYSTEM_JUPYTER} pointing where there is nothing.
 */
class SetupWithoutAptIT {

    private static final List<String> TOOLS = List.of(
            "bash",
            "env",
            "dirname",
            "basename",
            "readlink",
            "uname",
            "head",
            "cat",
            "id",
            "find",
            "mkdir",
            "mktemp",
            "cmp",
            "mv",
            "rm",
            "tr",
            "wc",
            "grep",
            "awk",
            "sed",
            "java",
            "javac",
            "python3");

    private Path temp;
    private Path bin;

    @BeforeEach
    void toolsOnly() throws IOException, InterruptedException {
        temp = Files.createTempDirectory("setup-no-apt-");
        bin = Files.createDirectories(temp.resolve("bin"));
        for (String tool : TOOLS) {
            Processes.Result which = Processes.run(List.of("bash", "-c", "command -v " + tool), temp, Map.of(), 10);
            if (which.exit() == 0) {
                Files.createSymbolicLink(
                        bin.resolve(tool), Path.of(which.stdout().strip()));
            }
        }
        assertTrue(Files.exists(bin.resolve("bash")) && Files.exists(bin.resolve("java")), "bash and java found");
        assertFalse(Files.exists(bin.resolve("apt-get")) || Files.exists(bin.resolve("jupyter")));
    }

    @AfterEach
    void cleanUp() {
        Processes.deleteTree(temp);
    }

    private Processes.Result setup(Path root, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "PATH", bin.toString(),
                "FASTBOOK_SYSTEM_JUPYTER", temp.resolve("no-such-jupyter").toString()));
        env.putAll(extra);
        return Processes.run(
                List.of(
                        bin.resolve("bash").toString(),
                        root.resolve("environment/setup").toString()),
                temp,
                env,
                120);
    }

    @Test
    void withoutJupyterOrAptItSaysWhatToInstallAndTouchesNothing() {
        Path repo = ExecutedNotebook.repo();
        Map<Path, String> before = Processes.snapshot(repo.resolve("target"));
        Map<Path, String> kernelBefore = Processes.snapshot(repo.resolve("notebooks/target/kernel"));

        Processes.Result r = setup(repo, Map.of());

        assertNotEquals(0, r.exit(), r::describe);
        assertTrue(r.stderr().contains("Jupyter is missing"), r::describe);
        assertTrue(r.stderr().contains("pip install nbconvert jupyter_client notebook"), r::describe);
        assertTrue(r.stderr().contains("export FASTBOOK_JUPYTER="), r::describe);
        assertFalse(r.stdout().contains("[setup] jupyter:"), r::describe);
        assertEquals(before, Processes.snapshot(repo.resolve("target")), "nothing under target/ changed");
        assertEquals(kernelBefore, Processes.snapshot(repo.resolve("notebooks/target/kernel")));
    }

    @Test
    void aJupyterThatDoesNotWorkIsNamed() {
        Path repo = ExecutedNotebook.repo();
        Map<Path, String> before = Processes.snapshot(repo.resolve("target"));
        Processes.Result r = setup(repo, Map.of("FASTBOOK_JUPYTER", "/nowhere/jupyter"));
        assertNotEquals(0, r.exit(), r::describe);
        assertTrue(r.stderr().contains("FASTBOOK_JUPYTER=/nowhere/jupyter does not run"), r::describe);
        assertEquals(before, Processes.snapshot(repo.resolve("target")));
    }

    @Test
    void aJupyterOnThePathIsUsed() throws IOException {
        // A copy of the scripts in a folder of their own: this setup writes a kernelspec, never the real one.
        Path root = Files.createDirectories(temp.resolve("repo"));
        Path environment = Files.createDirectories(root.resolve("environment"));
        for (String script : List.of("setup", "lib.sh", "kernel-launch")) {
            Files.copy(ExecutedNotebook.repo().resolve("environment/" + script), environment.resolve(script));
        }
        // A stand-in jupyter that knows only `nbconvert --version`, as a venv's or conda's would answer.
        Path jupyter = bin.resolve("jupyter");
        Files.writeString(jupyter, "#!/usr/bin/env bash\n[ \"$1 $2\" = \"nbconvert --version\" ] && echo 7.16.4\n");
        Files.setPosixFilePermissions(jupyter, PosixFilePermissions.fromString("rwxr-xr-x"));

        Processes.Result r = setup(root, Map.of("FASTBOOK_SKIP_BUILD", "1"));

        assertEquals(0, r.exit(), r::describe);
        assertTrue(r.stdout().contains("[setup] jupyter:    " + jupyter + " (nbconvert 7.16.4)"), r::describe);
        String spec = Files.readString(root.resolve("target/jupyter/kernels/java/kernel.json"));
        assertTrue(spec.contains("environment/kernel-launch"), spec);
        assertFalse(spec.contains("JDK_JAVA_OPTIONS"), spec);
        assertTrue(spec.contains("\"--enable-native-access=ALL-UNNAMED\""), spec);
    }
}
