package dev.fastbook.collab.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Extracts one folder of a zip, checking every entry: read through to its end with its CRC-32
 * computed here and compared with the zip's ({@link ZipFile} itself does not check it), and its size.
 * ZipFile reads the central directory at the end, so a truncated zip fails at once.
 */
public final class ZipExtractor {

    private ZipExtractor() {}

    /** The most a MovieLens zip unpacks to: ml-25m's 1.2 GB with room to spare. */
    static final long MAX_BYTES = 8L << 30;
    /** The most it unpacks to per byte of zip: MovieLens' text compresses about 5 to 1. */
    static final int MAX_RATIO = 100;
    /** A system property that raises the ratio for a zip you trust (e.g. a test's zip of zeros). */
    public static final String MAX_RATIO_PROPERTY = "fastbook.unzip.maxRatio";

    /**
     * Extracts the entries under {@code folder/} of {@code zip} into {@code into} (as
     * {@code into/folder/...}); other entries (e.g. __MACOSX/ metadata) are skipped.
     *
     * @param source where the zip came from, for the messages
     */
    public static void extract(Path zip, String folder, Path into, URI source) throws IOException {
        extract(zip, folder, into, source, MAX_BYTES, Integer.getInteger(MAX_RATIO_PROPERTY, MAX_RATIO));
    }

    /**
     * As above, stopping as soon as the bytes written pass {@code maxBytes} or {@code maxRatio}
     * times the zip's own size: the sizes a zip declares are not trusted, the bytes are counted.
     */
    public static void extract(Path zip, String folder, Path into, URI source, long maxBytes, int maxRatio)
            throws IOException {
        String prefix = folder + "/";
        // normalised first: a relative or dotted cache path must not make every entry look outside it
        Path base = into.toAbsolutePath().normalize();
        long limit = Math.min(maxBytes, Files.size(zip) * maxRatio);
        long written = 0;
        List<String> names = new ArrayList<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : file.stream().toList()) {
                names.add(entry.getName());
                if (!entry.getName().startsWith(prefix)) {
                    continue;
                }
                Path out = base.resolve(entry.getName()).normalize();
                if (!out.startsWith(base)) {
                    throw new IOException("zip entry points outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                long size;
                CRC32 crc = new CRC32();
                try (InputStream in = new CheckedInputStream(file.getInputStream(entry), crc);
                        OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW)) {
                    size = copy(in, o, limit - written);
                }
                if (size < 0) {
                    throw new IOException("the zip from " + source + " unpacks to more than " + limit + " bytes (at "
                            + entry.getName() + "; the limit is " + maxRatio + " times the zip's " + Files.size(zip)
                            + " bytes, at most " + maxBytes + "): it is not a MovieLens release. Download it again, or"
                            + " unzip a release you trust yourself into the cache folder (or raise -D"
                            + MAX_RATIO_PROPERTY + " for a zip you trust).");
                }
                written += size;
                if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                    throw new IOException("the zip from " + source + " is corrupt: " + entry.getName() + " has CRC-32 "
                            + Long.toHexString(crc.getValue()) + " but the zip says "
                            + Long.toHexString(entry.getCrc()));
                }
                if (entry.getSize() != -1 && size != entry.getSize()) {
                    throw new IOException("the zip from " + source + " is corrupt: " + entry.getName() + " has " + size
                            + " bytes but the zip says " + entry.getSize());
                }
            }
        }
        if (!Files.isDirectory(base.resolve(folder))) {
            throw new IOException("the zip from " + source + " has no folder " + prefix + " (it has "
                    + names.subList(0, Math.min(5, names.size())) + (names.size() > 5 ? "..." : "") + ")");
        }
    }

    /** Copies at most {@code room} bytes; -1 when there was more. */
    private static long copy(InputStream in, OutputStream out, long room) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > room) {
                return -1;
            }
            out.write(buffer, 0, n);
        }
        return total;
    }
}
