package dev.fastbook.collab.movielens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fastbook.collab.download.HttpDownload;
import dev.fastbook.collab.download.ZipExtractor;
import dev.fastbook.collab.formats.DataNotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download path against a local HTTP server; no real network. */
class MovieLensDownloadTest {

    @TempDir
    Path cacheRoot;

    private HttpServer server;
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    static final String DATA = MovieLensTest.GOOD_DATA;
    static final String ITEM = MovieLensTest.GOOD_ITEM;

    private final ExecutorService handlers = Executors.newCachedThreadPool(); // slow handlers must not block others

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        handlers.shutdownNow();
    }

    /** Serves {@code body} at /ml-100k.zip, claiming {@code contentLength} bytes. */
    private URI serve(byte[] body, long contentLength) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/ml-100k.zip", exchange -> {
            exchange.sendResponseHeaders(200, contentLength);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException closedEarly) {
                // the server notices the short body; the client must too
            }
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ml-100k.zip");
    }

    private static byte[] zip(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("ml-100k/"));
            zip.closeEntry();
            for (Map.Entry<String, String> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry("ml-100k/" + f.getKey()));
                zip.write(f.getValue().getBytes(StandardCharsets.ISO_8859_1));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] goodZip() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("u.data", DATA);
        files.put("u.item", ITEM);
        files.put("README", "fake fixture, not MovieLens");
        return zip(files);
    }

    private static String sha256(String content) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static Map<String, String> sums(String dataSum, String itemSum) {
        Map<String, String> sums = new LinkedHashMap<>();
        sums.put("u.data", dataSum);
        sums.put("u.item", itemSum);
        return sums;
    }

    private MovieLensDownload download(URI url, Map<String, String> sums) {
        // A short read timeout: the stalled-server test must not wait the real 30 s.
        return download(
                url,
                sums,
                new HttpDownload.Limits(Duration.ofMillis(1500), Duration.ofMinutes(1), 0, Duration.ofSeconds(60)));
    }

    private MovieLensDownload download(URI url, Map<String, String> sums, HttpDownload.Limits limits) {
        return new MovieLensDownload(
                url, "ml-100k", sums, new PrintStream(progress, true, StandardCharsets.UTF_8), limits);
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(cacheRoot)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void downloadsVerifiesAndMovesIntoTheCache() throws Exception {
        byte[] zip = goodZip();
        URI url = serve(zip, zip.length);
        Path folder = DataLocator.findFolder(null, cacheRoot, download(url, sums(sha256(DATA), sha256(ITEM))));

        assertEquals(cacheRoot.resolve("ml-100k").toAbsolutePath(), folder);
        assertEquals(List.of("ml-100k"), leftovers()); // no temp zip or folder left behind
        assertEquals(DATA, Files.readString(folder.resolve("u.data"), StandardCharsets.ISO_8859_1));
        assertEquals(3, MovieLens.load(folder).ratings().rowCount());
        assertEquals(
                "Misérables, Les (1995)",
                MovieLens.load(folder).movies().stringColumn("title").get(2));
        String bar = progress.toString(StandardCharsets.UTF_8);
        assertTrue(bar.contains("Downloading ml-100k.zip") && bar.contains("100%"), bar);

        // Second time: straight from the cache, no server needed.
        server.stop(0);
        server = null;
        assertEquals(folder, DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null))));
    }

    @Test
    void checksumMismatchLeavesNothingBehind() throws Exception {
        byte[] zip = goodZip();
        URI url = serve(zip, zip.length);
        String wrong = "0".repeat(64);
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class,
                () -> DataLocator.findFolder(null, cacheRoot, download(url, sums(sha256(DATA), wrong))));
        assertTrue(e.getMessage().contains("checksum mismatch for u.item"), e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void stalledTransferTimesOutAndLeavesNothingBehind() throws Exception {
        byte[] zip = goodZip();
        URI url = serve(Arrays.copyOf(zip, zip.length / 2), zip.length); // server keeps the connection open
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class,
                () -> DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null))));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void connectionClosedBeforeContentLengthLeavesNothingBehind() throws Exception {
        byte[] zip = goodZip();
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread serverThread = new Thread(() -> {
                try (Socket client = socket.accept()) {
                    client.getInputStream().read(new byte[8192]); // the request
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + zip.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(zip, 0, zip.length / 2);
                    out.flush();
                } catch (IOException ignored) {
                    // the test checks the client side
                }
            });
            serverThread.start();
            URI url = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/ml-100k.zip");
            DataNotFoundException e = assertThrows(
                    DataNotFoundException.class,
                    () -> DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null))));
            assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
            serverThread.join(5000);
        }
        assertEquals(List.of(), leftovers());
    }

    @Test
    void truncatedZipLeavesNothingBehind() throws Exception {
        byte[] zip = goodZip();
        byte[] truncated = Arrays.copyOf(zip, zip.length - 40); // complete transfer of a cut file
        URI url = serve(truncated, truncated.length);
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class,
                () -> DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null))));
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void zipWithoutTheFilesLeavesNothingBehind() throws Exception {
        byte[] zip = zip(Map.of("u.data", DATA));
        URI url = serve(zip, zip.length);
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class,
                () -> DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null))));
        assertTrue(e.getMessage().contains("no ml-100k/u.item"), e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void offlineGivesOneClearError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/ml-100k.zip");
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class,
                () -> DataLocator.findFolder(null, cacheRoot, download(url, Release.ML_100K_SHA256)));
        String message = e.getMessage();
        assertTrue(message.contains("FASTBOOK_DATA"), message);
        assertTrue(
                message.contains(cacheRoot.resolve("ml-100k").toAbsolutePath().toString()), message);
        assertTrue(message.contains(url.toString()), message);
        assertTrue(message.contains("connect to the internet"), message);
        assertFalse(Files.exists(cacheRoot.resolve("ml-100k")));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void fastbookDataSetButMissingFailsWithoutDownloading() {
        Path nowhere = cacheRoot.resolve("nowhere");
        MovieLensDownload mustNotRun = null; // would fail differently if called
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class, () -> DataLocator.findFolder(nowhere.toString(), cacheRoot, mustNotRun));
        assertTrue(e.getMessage().contains("FASTBOOK_DATA is set to '" + nowhere + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing was downloaded"), e.getMessage());
    }

    @Test
    void fastbookDataWithFilesWins() throws IOException {
        Path data = cacheRoot.resolve("data");
        Files.createDirectories(data.resolve("ml-100k"));
        Files.writeString(data.resolve("ml-100k/u.data"), DATA);
        Files.writeString(data.resolve("ml-100k/u.item"), ITEM, StandardCharsets.ISO_8859_1);
        assertEquals(
                data.resolve("ml-100k").toAbsolutePath(),
                DataLocator.findFolder(data.toString(), cacheRoot.resolve("cache"), null));
    }

    @Test
    void incompleteCacheFolderIsReportedNotOverwritten() throws IOException {
        Files.createDirectories(cacheRoot.resolve("ml-100k"));
        Files.writeString(cacheRoot.resolve("ml-100k/u.data"), DATA);
        DataNotFoundException e =
                assertThrows(DataNotFoundException.class, () -> DataLocator.findFolder(null, cacheRoot, null));
        assertTrue(e.getMessage().contains("has no u.item") && e.getMessage().contains("Delete"), e.getMessage());
    }

    @Test
    void cacheRootFollowsTheSystemProperty() {
        String old = System.getProperty(MovieLens.CACHE_PROPERTY);
        try {
            System.setProperty(MovieLens.CACHE_PROPERTY, cacheRoot.toString());
            assertEquals(cacheRoot.toAbsolutePath(), MovieLens.cacheRoot());
        } finally {
            if (old == null) {
                System.clearProperty(MovieLens.CACHE_PROPERTY);
            } else {
                System.setProperty(MovieLens.CACHE_PROPERTY, old);
            }
        }
    }

    // ---- integrity beyond ml-100k's pinned sha256 ----

    /** A zip whose entries are STORED, so that a flipped byte reaches the data unchanged and only the CRC can tell. */
    private static byte[] storedZip(String folder, Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                ZipEntry entry = new ZipEntry(folder + "/" + f.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(content.length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(content);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void corruptEntryIsCaughtByItsCrcWhenNoChecksumIsPinned() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("u.data", DATA);
        files.put("u.item", ITEM);
        byte[] zip = storedZip("ml-100k", files);
        String text = new String(zip, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("881250949"); // inside u.data's stored bytes
        zip[at] = (byte) '9'; // was '8': same length, different content
        URI url = serve(zip, zip.length);
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class,
                () -> DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null))));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("CRC-32"), e.getMessage());
        assertTrue(e.getMessage().contains("ml-100k/u.data"), e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void ml10mZipFolderIsPublishedUnderItsName() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("ratings.dat", "1::122::5::838985046\n1::185::4.5::838983525\n");
        files.put("movies.dat", "122::Boomerang (1992)::Comedy|Romance\n185::Net, The (1995)::Action\n");
        files.put("README.html", "fixture");
        byte[] zip = storedZip("ml-10M100K", files);
        URI url = serve(zip, zip.length);
        Release release = MovieLens.release("ml-10m");
        MovieLensDownload download = new MovieLensDownload(
                url,
                release.zipFolder(),
                release.expectedFiles(),
                new PrintStream(progress, true, StandardCharsets.UTF_8),
                HttpDownload.Limits.defaults());
        Path folder = DataLocator.findFolder(release, null, cacheRoot, download);
        assertEquals(cacheRoot.resolve("ml-10m").toAbsolutePath(), folder);
        assertEquals(List.of("ml-10m"), leftovers());
        assertEquals(
                4.5f, MovieLens.load(folder).ratings().floatColumn("rating").getFloat(1));
        assertEquals("ml-10m", MovieLens.load(folder).name());
    }

    // ---- hostile and concurrent cases (issue 22) ----

    @Test
    void twoConcurrentFirstDownloadsBothSucceed() throws Exception {
        byte[] zip = goodZip();
        java.util.concurrent.CountDownLatch bothAsked = new java.util.concurrent.CountDownLatch(2);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/ml-100k.zip", exchange -> {
            bothAsked.countDown();
            try {
                bothAsked.await(20, java.util.concurrent.TimeUnit.SECONDS); // both in flight: both publish
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, zip.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(zip);
            }
            exchange.close();
        });
        server.start();
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ml-100k.zip");
        var sums = sums(sha256(DATA), sha256(ITEM));
        // two threads of their own: the common pool may have a single worker on a 2-core machine, which would run
        // the downloads one after the other and leave the first waiting for the second until its read times out
        var twoAtOnce = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> into(download(url, sums)), twoAtOnce);
            var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> into(download(url, sums)), twoAtOnce);
            Path target = cacheRoot.resolve("ml-100k").toAbsolutePath();
            assertEquals(target, first.get(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(target, second.get(60, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            twoAtOnce.shutdownNow();
        }
        assertEquals(List.of("ml-100k"), leftovers());
        assertEquals(3, MovieLens.load(cacheRoot.resolve("ml-100k")).ratings().rowCount());
    }

    private Path into(MovieLensDownload d) {
        try {
            return d.into(cacheRoot, "ml-100k");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRelativeOrDottedCachePathWorks() throws Exception {
        byte[] zip = goodZip();
        URI url = serve(zip, zip.length);
        Path relative = Path.of("").toAbsolutePath().relativize(cacheRoot.toAbsolutePath()); // ../../tmp/...
        Path folder =
                DataLocator.findFolder(null, relative.resolve("."), download(url, sums(sha256(DATA), sha256(ITEM))));
        assertEquals(cacheRoot.resolve("ml-100k").toAbsolutePath().normalize(), folder.normalize());
        assertEquals(3, MovieLens.load(folder).ratings().rowCount());
        assertEquals(List.of("ml-100k"), leftovers());
    }

    @Test
    void aServerThatSendsMoreThanAnyReleaseIsStopped() throws Exception {
        byte[] endless = new byte[300_000];
        URI url = serve(endless, 0); // 0: chunked, no length announced
        var limits = new HttpDownload.Limits(
                Duration.ofSeconds(5), Duration.ofMinutes(1), 0, Duration.ofSeconds(60), 100_000);
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class,
                () -> DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null), limits)));
        assertTrue(
                e.getMessage()
                        .contains("the server sent more than 100000 bytes, more than any MovieLens zip: it is not"
                                + " sending the data set (-Dfastbook.download.maxBytes raises the limit)"),
                e.getMessage());
        assertEquals(List.of(), leftovers());
        assertEquals(2L << 30, HttpDownload.Limits.defaults().maxBytes());
    }

    @Test
    void extractionStopsAtTheSizeAndRatioLimits(@TempDir Path tmp) throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("u.data", "0".repeat(4 << 20)); // 4 MiB of one byte: a few KiB zipped
        files.put("u.item", ITEM);
        Path zipFile = tmp.resolve("bomb.zip");
        Files.write(zipFile, zip(files));
        URI source = URI.create("http://example.org/ml-100k.zip");
        Path into = Files.createDirectory(tmp.resolve("out"));
        IOException ratio =
                assertThrows(IOException.class, () -> ZipExtractor.extract(zipFile, "ml-100k", into, source));
        System.out.println("[MovieLensDownloadTest] " + ratio.getMessage());
        assertTrue(
                ratio.getMessage().contains("unpacks to more than")
                        && ratio.getMessage().contains("at ml-100k/u.data")
                        && ratio.getMessage().contains("100 times the zip's")
                        && ratio.getMessage().contains("it is not a MovieLens release"),
                ratio.getMessage());
        assertTrue(Files.size(into.resolve("ml-100k/u.data")) <= Files.size(zipFile) * 100, "stopped at the limit");

        Path into2 = Files.createDirectory(tmp.resolve("out2"));
        IOException total = assertThrows(
                IOException.class, () -> ZipExtractor.extract(zipFile, "ml-100k", into2, source, 1 << 20, 100_000));
        assertTrue(total.getMessage().contains("unpacks to more than 1048576 bytes"), total.getMessage());

        // through the download: the message reaches the user and nothing is left behind
        URI url = serve(Files.readAllBytes(zipFile), Files.size(zipFile));
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class,
                () -> DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null))));
        assertTrue(e.getMessage().contains("unpacks to more than"), e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    // ---- limits: a trickling server ----

    /** Serves {@code body} one byte every {@code millis} ms. */
    private URI trickle(byte[] body, long millis) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/ml-100k.zip", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(millis);
                }
            } catch (IOException | InterruptedException clientGone) {
                // the client gave up, as it should
            }
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ml-100k.zip");
    }

    @Test
    void tricklingServerFailsByTheMinimumRate() throws Exception {
        byte[] zip = goodZip();
        URI url = trickle(zip, 200);
        HttpDownload.Limits limits =
                new HttpDownload.Limits(Duration.ofSeconds(5), Duration.ofMinutes(5), 1000, Duration.ofSeconds(1));
        long start = System.nanoTime();
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class,
                () -> DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null), limits)));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 10, "took " + seconds + " s");
        String m = e.getMessage();
        assertTrue(m.contains("too slow") && m.contains("below the minimum 1000 bytes/s"), m);
        assertTrue(m.matches("(?s).*received \\d+ of " + zip.length + " bytes.*"), m);
        assertTrue(m.contains(HttpDownload.Limits.MIN_RATE), m);
        assertTrue(m.contains("run again") && m.contains("yourself"), m); // how to retry or place it by hand
        assertEquals(List.of(), leftovers());
    }

    @Test
    void tricklingServerFailsByTheDeadline() throws Exception {
        byte[] zip = goodZip();
        URI url = trickle(zip, 100);
        HttpDownload.Limits limits =
                new HttpDownload.Limits(Duration.ofSeconds(5), Duration.ofMillis(1500), 0, Duration.ofSeconds(60));
        long start = System.nanoTime();
        DataNotFoundException e = assertThrows(
                DataNotFoundException.class,
                () -> DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null), limits)));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 8, "took " + seconds + " s");
        assertTrue(e.getMessage().contains("did not finish within 1500 ms: received"), e.getMessage());
        assertTrue(e.getMessage().contains(HttpDownload.Limits.DEADLINE), e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void limitsComeFromSystemPropertiesAndRefuseNonsense() {
        String old = System.getProperty(HttpDownload.Limits.MIN_RATE);
        try {
            System.setProperty(HttpDownload.Limits.MIN_RATE, "0");
            assertEquals(0, HttpDownload.Limits.fromSystemProperties().minBytesPerSecond());
            System.setProperty(HttpDownload.Limits.MIN_RATE, "-5");
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, HttpDownload.Limits::fromSystemProperties);
            assertTrue(e.getMessage().contains("-5"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(HttpDownload.Limits.MIN_RATE);
            } else {
                System.setProperty(HttpDownload.Limits.MIN_RATE, old);
            }
        }
        assertEquals(Duration.ofMinutes(30), HttpDownload.Limits.defaults().deadline());
    }

    // ---- leftovers of a killed download ----

    @Test
    void lookupCleansWhatADeadDownloadLeftBehind() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long deadPid = gone.pid();
        Path partZip = cacheRoot.resolve(".ml-100k." + deadPid + "-1a.part");
        Path partDir = cacheRoot.resolve(".ml-100k." + deadPid + "-2b.part");
        Files.write(partZip, new byte[100]);
        Files.createDirectories(partDir.resolve("ml-100k"));
        Files.writeString(partDir.resolve("ml-100k/u.data"), "half");
        Path live = cacheRoot.resolve(".ml-100k." + ProcessHandle.current().pid() + "-3c.part"); // ours: in progress
        Files.write(live, new byte[1]);

        byte[] zip = goodZip();
        URI url = serve(zip, zip.length);
        Path folder = DataLocator.findFolder(null, cacheRoot, download(url, sums(null, null)));
        assertEquals(
                List.of(".ml-100k." + ProcessHandle.current().pid() + "-3c.part", "ml-100k"),
                leftovers().stream().sorted().toList());
        assertEquals(DATA, Files.readString(folder.resolve("u.data")));
    }
}
