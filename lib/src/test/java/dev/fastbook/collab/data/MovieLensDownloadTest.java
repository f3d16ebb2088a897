package dev.fastbook.collab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/** The download path against a local HTTP server; no real network. */
class MovieLensDownloadTest {

    @TempDir
    Path cacheRoot;

    private HttpServer server;
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    static final String DATA = MovieLensTest.GOOD_DATA;
    static final String ITEM = MovieLensTest.GOOD_ITEM;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Serves {@code body} at /ml-100k.zip, claiming {@code contentLength} bytes. */
    private URI serve(byte[] body, long contentLength) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
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
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(content.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static Map<String, String> sums(String dataSum, String itemSum) {
        Map<String, String> sums = new LinkedHashMap<>();
        sums.put("u.data", dataSum);
        sums.put("u.item", itemSum);
        return sums;
    }

    private MovieLensDownload download(URI url, Map<String, String> sums) {
        // A short timeout: the stalled-server test must not wait the real 30 s.
        return new MovieLensDownload(url, sums, new PrintStream(progress, true, StandardCharsets.UTF_8), 1500);
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
        Path folder = MovieLens.findFolder(null, cacheRoot, download(url, sums(sha256(DATA), sha256(ITEM))));

        assertEquals(cacheRoot.resolve("ml-100k").toAbsolutePath(), folder);
        assertEquals(List.of("ml-100k"), leftovers()); // no temp zip or folder left behind
        assertEquals(DATA, Files.readString(folder.resolve("u.data"), StandardCharsets.ISO_8859_1));
        assertEquals(3, MovieLens.load(folder).ratings().rowCount());
        assertEquals("Misérables, Les (1995)", MovieLens.load(folder).movies().stringColumn("title").get(2));
        String bar = progress.toString(StandardCharsets.UTF_8);
        assertTrue(bar.contains("Downloading ml-100k.zip") && bar.contains("100%"), bar);

        // Second time: straight from the cache, no server needed.
        server.stop(0);
        server = null;
        assertEquals(folder, MovieLens.findFolder(null, cacheRoot, download(url, sums(null, null))));
    }

    @Test
    void checksumMismatchLeavesNothingBehind() throws Exception {
        byte[] zip = goodZip();
        URI url = serve(zip, zip.length);
        String wrong = "0".repeat(64);
        DataNotFoundException e = assertThrows(DataNotFoundException.class,
                () -> MovieLens.findFolder(null, cacheRoot, download(url, sums(sha256(DATA), wrong))));
        assertTrue(e.getMessage().contains("checksum mismatch for u.item"), e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void stalledTransferTimesOutAndLeavesNothingBehind() throws Exception {
        byte[] zip = goodZip();
        URI url = serve(Arrays.copyOf(zip, zip.length / 2), zip.length); // server keeps the connection open
        DataNotFoundException e = assertThrows(DataNotFoundException.class,
                () -> MovieLens.findFolder(null, cacheRoot, download(url, sums(null, null))));
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
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + zip.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(zip, 0, zip.length / 2);
                    out.flush();
                } catch (IOException ignored) {
                    // the test checks the client side
                }
            });
            serverThread.start();
            URI url = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/ml-100k.zip");
            DataNotFoundException e = assertThrows(DataNotFoundException.class,
                    () -> MovieLens.findFolder(null, cacheRoot, download(url, sums(null, null))));
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
        DataNotFoundException e = assertThrows(DataNotFoundException.class,
                () -> MovieLens.findFolder(null, cacheRoot, download(url, sums(null, null))));
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void zipWithoutTheFilesLeavesNothingBehind() throws Exception {
        byte[] zip = zip(Map.of("u.data", DATA));
        URI url = serve(zip, zip.length);
        DataNotFoundException e = assertThrows(DataNotFoundException.class,
                () -> MovieLens.findFolder(null, cacheRoot, download(url, sums(null, null))));
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
        DataNotFoundException e = assertThrows(DataNotFoundException.class,
                () -> MovieLens.findFolder(null, cacheRoot, download(url, MovieLens.SHA256)));
        String message = e.getMessage();
        assertTrue(message.contains("FASTBOOK_DATA"), message);
        assertTrue(message.contains(cacheRoot.resolve("ml-100k").toAbsolutePath().toString()), message);
        assertTrue(message.contains(url.toString()), message);
        assertTrue(message.contains("connect to the internet"), message);
        assertFalse(Files.exists(cacheRoot.resolve("ml-100k")));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void fastbookDataSetButMissingFailsWithoutDownloading() {
        Path nowhere = cacheRoot.resolve("nowhere");
        MovieLensDownload mustNotRun = null; // would fail differently if called
        DataNotFoundException e = assertThrows(DataNotFoundException.class,
                () -> MovieLens.findFolder(nowhere.toString(), cacheRoot, mustNotRun));
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
        assertEquals(data.resolve("ml-100k").toAbsolutePath(),
                MovieLens.findFolder(data.toString(), cacheRoot.resolve("cache"), null));
    }

    @Test
    void incompleteCacheFolderIsReportedNotOverwritten() throws IOException {
        Files.createDirectories(cacheRoot.resolve("ml-100k"));
        Files.writeString(cacheRoot.resolve("ml-100k/u.data"), DATA);
        DataNotFoundException e = assertThrows(DataNotFoundException.class,
                () -> MovieLens.findFolder(null, cacheRoot, null));
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
}
