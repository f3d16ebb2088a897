package dev.fastbook.collab.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A second JVM for the tests that need another process (concurrent saves, kills), and the one way its output
 * is read. A JVM may print lines of its own (JDK 22+ restricted-method and JDK 24+ sun.misc.Unsafe warnings,
 * a libtorch notice), so a child marks what it says with {@link #say(String)} and the test reads only those
 * lines with {@link #said(String)}.
 */
public final class ChildJvm {

    /** Starts every line a child says on purpose. */
    public static final String MARK = "[child] ";

    private ChildJvm() {}

    /** Prints one marked line (in the child). */
    public static void say(String line) {
        System.out.println(MARK + line);
    }

    /** The lines a child said with {@link #say(String)}, mark removed, in order; every other line is ignored. */
    public static List<String> said(String output) {
        return output.lines()
                .filter(l -> l.startsWith(MARK))
                .map(l -> l.substring(MARK.length()))
                .toList();
    }

    /** The marked line's text, or null for a line the child did not say on purpose. */
    public static String said1(String line) {
        return line.startsWith(MARK) ? line.substring(MARK.length()) : null;
    }

    /**
     * {@code java [options the JDK knows] -cp <this test classpath> jvmOptions... main args...}, with this
     * test JVM's java. The options keep the JVM's own warnings off: native access for DJL and JNA, and on
     * JDK 23+ sun.misc.Unsafe's memory access (classgraph, a Tablesaw dependency, frees buffers with it).
     */
    public static ProcessBuilder java(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(quietOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(jvmOptions);
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** The switches that silence the JVM's warnings about this project's dependencies, where the JDK has them. */
    public static List<String> quietOptions() {
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            options.add("--sun-misc-unsafe-memory-access=allow");
        }
        return options;
    }
}
