package dev.fastbook.collab.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP GET into a new file, within {@link Limits}, with a {@link ProgressBar}. Checks the
 * length the server announced (Content-Length).
 *
 * <p>Limits: a per-read timeout (a silent server), an overall deadline and a minimum rate averaged
 * over a window (a server that trickles bytes would otherwise keep the read timeout from ever
 * firing). The deadline is checked between reads, so it can be overrun by at most one read timeout.
 */
public final class HttpDownload {

    /**
     * How long a download may take. Defaults: 30 s to connect and per read, 30 min in all, and at
     * least 10 KB/s averaged over each 60 s. Set {@code -Dfastbook.download.deadlineSeconds=...},
     * {@code -Dfastbook.download.minBytesPerSecond=...} (0 turns the check off) or
     * {@code -Dfastbook.download.rateWindowSeconds=...} to change them; a download stops past
     * {@code maxBytes} (2 GiB, {@code -Dfastbook.download.maxBytes=...}).
     */
    public record Limits(
            Duration readTimeout, Duration deadline, long minBytesPerSecond, Duration rateWindow, long maxBytes) {
        public static final String DEADLINE = "fastbook.download.deadlineSeconds";
        public static final String MAX_BYTES = "fastbook.download.maxBytes";
        /** The largest MovieLens zip (ml-latest) is about 335 MB; a server sending more is not sending one. */
        static final long DEFAULT_MAX_BYTES = 2L << 30;

        /** These limits with the default {@code maxBytes}. */
        public Limits(Duration readTimeout, Duration deadline, long minBytesPerSecond, Duration rateWindow) {
            this(readTimeout, deadline, minBytesPerSecond, rateWindow, DEFAULT_MAX_BYTES);
        }

        public static final String MIN_RATE = "fastbook.download.minBytesPerSecond";
        public static final String WINDOW = "fastbook.download.rateWindowSeconds";

        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(30), Duration.ofMinutes(30), 10 * 1024, Duration.ofSeconds(60));
        }

        public static Limits fromSystemProperties() {
            Limits d = defaults();
            return new Limits(
                    d.readTimeout,
                    Duration.ofSeconds(property(DEADLINE, d.deadline.toSeconds())),
                    property(MIN_RATE, d.minBytesPerSecond),
                    Duration.ofSeconds(property(WINDOW, d.rateWindow.toSeconds())),
                    property(MAX_BYTES, d.maxBytes));
        }

        private static long property(String name, long fallback) {
            String value = System.getProperty(name);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                long v = Long.parseLong(value.trim());
                if (v >= 0) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("-D" + name + "=" + value + " is not a whole number >= 0");
        }
    }

    private HttpDownload() {}

    /** Downloads {@code url} into {@code file}, which must not exist yet. */
    public static void fetch(URI url, Path file, Limits limits, PrintStream progress) throws IOException {
        // HttpURLConnection, not HttpClient: it has a per-read timeout, so a silent server fails
        // the download instead of hanging the notebook; the deadline and rate are checked below.
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
        int timeout = (int) Math.min(Integer.MAX_VALUE, limits.readTimeout().toMillis());
        connection.setConnectTimeout(timeout);
        connection.setReadTimeout(timeout);
        connection.setInstanceFollowRedirects(true);
        long start = System.nanoTime();
        int status = connection.getResponseCode();
        if (status != HttpURLConnection.HTTP_OK) {
            connection.disconnect();
            throw new IOException("HTTP " + status + " from " + url);
        }
        long length = connection.getContentLengthLong();
        long read = 0;
        long deadline = start + limits.deadline().toNanos();
        long window = limits.rateWindow().toNanos();
        long windowStart = start;
        long windowBytes = 0;
        ProgressBar bar = new ProgressBar(progress, fileName(url), length);
        try (InputStream in = connection.getInputStream();
                OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                read += n;
                if (read > limits.maxBytes()) {
                    throw new IOException("the server sent more than " + limits.maxBytes()
                            + " bytes, more than any MovieLens" + " zip: it is not sending the data set (-D"
                            + Limits.MAX_BYTES + " raises the limit)");
                }
                bar.update(read);
                long now = System.nanoTime();
                if (now - deadline > 0) {
                    throw new IOException("the download did not finish within " + describe(limits.deadline())
                            + ": received " + received(read, length) + " (-D" + Limits.DEADLINE
                            + " sets the limit in seconds)");
                }
                if (limits.minBytesPerSecond() > 0 && now - windowStart >= window) {
                    double seconds = (now - windowStart) / 1e9;
                    double rate = (read - windowBytes) / seconds;
                    if (rate < limits.minBytesPerSecond()) {
                        throw new IOException(String.format(
                                Locale.ROOT,
                                "the download is too slow: %.0f bytes/s over the last %.0f s, below the minimum %d bytes/s;"
                                        + " received %s (-D%s sets the minimum, 0 turns it off)",
                                rate,
                                seconds,
                                limits.minBytesPerSecond(),
                                received(read, length),
                                Limits.MIN_RATE));
                    }
                    windowStart = now;
                    windowBytes = read;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IOException(
                    "the server sent nothing for " + describe(limits.readTimeout()) + " (timed out): received "
                            + received(read, length),
                    e);
        } finally {
            bar.done();
            connection.disconnect();
        }
        if (length >= 0 && read != length) {
            throw new IOException("incomplete download of " + url + ": got " + read + " of " + length + " bytes");
        }
    }

    private static String received(long read, long length) {
        return read + (length >= 0 ? " of " + length : "") + " bytes";
    }

    private static String describe(Duration d) {
        return d.toMillis() % 60_000 == 0 && d.toMinutes() > 0
                ? d.toMinutes() + " min"
                : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String fileName(URI url) {
        String path = url.getPath();
        return path == null || path.isEmpty() ? url.toString() : path.substring(path.lastIndexOf('/') + 1);
    }
}
