package dev.fastbook.collab.movielens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fastbook.collab.core.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hard way: a child JVM downloads from a slow local server and is killed ({@code destroyForcibly},
 * i.e. SIGKILL) during the transfer and during the unzip; the next lookup must clean what it left
 * and succeed, and no half folder may ever be visible under the final name.
 */
class MovieLensDownloadKillTest {

    private static final int FILLER_BYTES = 40 << 20; // zeros: a tiny zip, but an unzip that takes a while

    @TempDir
    Path cacheRoot;

    private HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final List<Process> children = new ArrayList<>();

    private Path log;

    @AfterEach
    void stop() throws IOException {
        children.forEach(Process::destroyForcibly);
        if (log != null) {
            Files.deleteIfExists(log);
        }
        if (server != null) {
            server.stop(0);
        }
        handlers.shutdownNow();
    }

    private static byte[] zip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("ml-100k/"));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("ml-100k/u.data"));
            zip.write(MovieLensTest.GOOD_DATA.getBytes(StandardCharsets.ISO_8859_1));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("ml-100k/u.item"));
            zip.write(MovieLensTest.GOOD_ITEM.getBytes(StandardCharsets.ISO_8859_1));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("ml-100k/filler"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < FILLER_BYTES / zeros.length; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** Serves the zip in 1 KB pieces, 15 ms apart (about a second for the whole). */
    private URI serveSlowly(byte[] body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/ml-100k.zip", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < body.length; i += 1024) {
                    out.write(body, i, Math.min(1024, body.length - i));
                    out.flush();
                    Thread.sleep(15);
                }
            } catch (IOException | InterruptedException clientGone) {
                // killed client
            }
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ml-100k.zip");
    }

    private Process child(URI url) throws IOException {
        if (log == null) {
            log = Files.createTempFile("download-child", ".log");
        }
        Process p = ChildJvm.java(
                        List.of(
                                "-Xmx256m",
                                "-D" + dev.fastbook.collab.download.ZipExtractor.MAX_RATIO_PROPERTY
                                        + "=2000"), // its filler is zeros: 1000 to 1
                        DownloadChild.class,
                        url.toString(),
                        cacheRoot.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        children.add(p);
        return p;
    }

    private List<Path> temporaries() throws IOException {
        try (Stream<Path> files = Files.list(cacheRoot)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".ml-100k."))
                    .toList();
        }
    }

    /** Polls until {@code ready} holds for some temporary (then kills the child at once), or the child ends. */
    private boolean killWhen(Process p, Predicate<Path> ready) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until && p.isAlive()) {
            for (Path t : temporaries()) {
                if (ready.test(t)) {
                    p.destroyForcibly();
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not die");
                    return true;
                }
            }
            Thread.sleep(1);
        }
        p.waitFor(30, TimeUnit.SECONDS);
        return false;
    }

    private static long size(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : -1;
        } catch (IOException gone) {
            return -1;
        }
    }

    @Test
    void killedDownloadsLeaveNoHalfFolderAndTheNextLookupCleansUp() throws Exception {
        byte[] zip = zip();
        URI url = serveSlowly(zip);
        Path target = cacheRoot.resolve("ml-100k");

        // Whoever looks at the final name, whenever, sees nothing or everything.
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                if (Files.exists(target)) {
                    try {
                        if (!MovieLensTest.GOOD_DATA.equals(
                                        Files.readString(target.resolve("u.data"), StandardCharsets.ISO_8859_1))
                                || !Files.isRegularFile(target.resolve("u.item"))
                                || Files.size(target.resolve("filler")) != FILLER_BYTES) {
                            violations.add("incomplete " + target);
                        }
                    } catch (IOException e) {
                        violations.add("unreadable " + target + ": " + e);
                    }
                }
                Thread.onSpinWait();
            }
        });
        watcher.start();
        try {
            // During the transfer, at a quarter and at three quarters of the zip.
            long previousPid = -1;
            for (double fraction : new double[] {0.25, 0.75}) {
                Process p = child(url);
                long threshold = (long) (zip.length * fraction);
                assertTrue(
                        killWhen(p, t -> size(t) >= threshold), "the child ended before the zip reached " + threshold);
                assertFalse(Files.exists(target), "killed during transfer, yet " + target + " exists");
                List<Path> left = temporaries();
                assertFalse(
                        left.isEmpty(), "a killed transfer leaves its .part behind (else this test proves nothing)");
                for (Path t : left) {
                    assertTrue(
                            t.getFileName().toString().contains("." + p.pid() + "-"),
                            t + " is not the last child's: the earlier leftovers should have been cleaned");
                }
                assertTrue(previousPid != p.pid());
                previousPid = p.pid();
            }

            // During the unzip: once the temporary folder exists. Tries again if the child was too quick.
            boolean killedInUnzip = false;
            for (int attempt = 0; attempt < 5 && !killedInUnzip; attempt++) {
                Process p = child(url);
                killedInUnzip = killWhen(p, Files::isDirectory);
                if (killedInUnzip) {
                    assertFalse(Files.exists(target), "killed during unzip, yet " + target + " exists");
                    assertTrue(temporaries().stream().anyMatch(Files::isDirectory), "the half-unpacked folder is left");
                } else {
                    dev.fastbook.collab.core.SafeFiles.deleteTree(target); // finished first: start over
                }
            }
            assertTrue(killedInUnzip, "never caught the child while unzipping");

            // The next run cleans everything up and succeeds.
            Process last = child(url);
            assertTrue(last.waitFor(120, TimeUnit.SECONDS), "the last download did not finish");
            assertEquals(0, last.exitValue(), Files.readString(log));
        } finally {
            watching.set(false);
            watcher.join();
        }
        assertEquals(List.of(), violations);
        assertEquals(List.of(), temporaries());
        try (Stream<Path> files = Files.list(cacheRoot)) {
            assertEquals(
                    List.of("ml-100k"),
                    files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(3, MovieLens.load(target).ratings().rowCount());
    }
}
