package dev.fastbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which PyTorch natives the build picks on each platform, asked of the real Maven with another
 * {@code os.name}/{@code os.arch} (the JVM's own values, which Maven's profile activation reads), without
 * resolving any dependency: nothing of another platform is downloaded.
 *
 * <p>Maven is started through its classworlds launcher rather than {@code mvn}: the script splits
 * {@code MAVEN_OPTS} on spaces ("Mac OS X"), and Maven's console library (Jansi) calls Windows' console
 * API when it believes it runs on Windows, so it is left off the launcher's classpath.
 */
class PlatformNativesIT {

    private static Path launcherConfig;

    @BeforeAll
    static void launcherWithoutJansi() throws IOException {
        Path home = mavenHome();
        StringBuilder conf = new StringBuilder("main is org.apache.maven.cli.MavenCli from plexus.core\n")
                .append("set maven.conf default ${maven.home}/conf\n[plexus.core]\nload ${maven.conf}/logging\n")
                .append("optionally ${maven.home}/lib/ext/*.jar\n");
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            jars.filter(j -> j.getFileName().toString().endsWith(".jar"))
                    .filter(j -> !j.getFileName().toString().startsWith("jansi"))
                    .sorted()
                    .forEach(j -> conf.append("load ").append(j).append('\n'));
        }
        launcherConfig = Files.createTempFile("m2-", ".conf");
        Files.writeString(launcherConfig, conf);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        Files.deleteIfExists(launcherConfig);
    }

    private static Path mavenHome() {
        String home = System.getProperty("maven.home");
        assertTrue(
                home != null && Files.isDirectory(Path.of(home, "lib")),
                "failsafe passes maven.home (the Maven that runs this build): " + home);
        return Path.of(home);
    }

    private static Processes.Result maven(String osName, String osArch, String... args) {
        Path home = mavenHome();
        Path boot;
        try (Stream<Path> jars = Files.list(home.resolve("boot"))) {
            boot = jars.filter(j -> j.getFileName().toString().startsWith("plexus-classworlds"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no plexus-classworlds jar in " + home.resolve("boot")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Path repo = ExecutedNotebook.repo();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                boot.toString(),
                "-Dclassworlds.conf=" + launcherConfig,
                "-Dmaven.home=" + home,
                "-Dmaven.multiModuleProjectDirectory=" + repo,
                "-Dos.name=" + osName,
                "-Dos.arch=" + osArch,
                "org.codehaus.plexus.classworlds.launcher.Launcher",
                "-B",
                "-pl",
                "lib"));
        command.addAll(List.of(args));
        return Processes.run(command, repo, Map.of(), 300);
    }

    private static String classifier(String osName, String osArch) {
        Processes.Result r =
                maven(osName, osArch, "-q", "help:evaluate", "-Dexpression=pytorch.native.classifier", "-DforceStdout");
        assertEquals(0, r.exit(), r::describe);
        return r.stdout().strip();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "Linux, amd64, linux-x86_64",
        "Linux, aarch64, linux-aarch64",
        "Mac OS X, aarch64, osx-aarch64",
        "Windows 11, amd64, win-x86_64",
        "Windows 10, amd64, win-x86_64",
    })
    void eachPlatformGetsItsOwnNatives(String osName, String osArch, String expected) {
        assertEquals(expected, classifier(osName, osArch));
    }

    @Test
    void anIntelMacIsToldWhyTheBuildStops() {
        assertEquals("unsupported", classifier("Mac OS X", "x86_64"));
        Processes.Result r = maven("Mac OS X", "x86_64", "-o", "validate");
        assertNotEquals(0, r.exit(), r::describe);
        assertTrue(r.all().contains("os.name=Mac OS X, os.arch=x86_64"), r::describe);
        assertTrue(r.all().contains("Intel Macs (osx-x86_64)"), r::describe);
        assertTrue(r.all().contains("linux-x86_64, linux-aarch64,"), r::describe);
    }

    @Test
    void anUnknownPlatformIsStoppedToo() {
        Processes.Result r = maven("Linux", "ppc64le", "-o", "validate");
        assertNotEquals(0, r.exit(), r::describe);
        assertTrue(r.all().contains("os.arch=ppc64le"), r::describe);
    }

    @Test
    void theGpuSwitchLeavesTheCpuNativesOut() {
        Processes.Result cpu = maven("Linux", "amd64", "help:active-profiles");
        assertEquals(0, cpu.exit(), cpu::describe);
        assertTrue(cpu.stdout().contains(" - pytorch-cpu-natives"), cpu::describe);
        assertTrue(cpu.stdout().contains(" - natives-linux-x86_64"), cpu::describe);

        Processes.Result gpu = maven("Linux", "amd64", "-Dfastbook.gpu", "help:active-profiles");
        assertEquals(0, gpu.exit(), gpu::describe);
        assertFalse(gpu.stdout().contains("pytorch-cpu-natives"), gpu::describe);
    }
}
