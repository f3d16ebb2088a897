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

    private ZipExtractor() {
    }

    /**
     * Extracts the entries under {@code folder/} of {@code zip} into {@code into} (as
     * {@code into/folder/...}); other entries (e.g. __MACOSX/ metadata) are skipped.
     *
     * @param source where the zip came from, for the messages
     */
    public static void extract(Path zip, String folder, Path into, URI source) throws IOException {
        String prefix = folder + "/";
        List<String> names = new ArrayList<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : file.stream().toList()) {
                names.add(entry.getName());
                if (!entry.getName().startsWith(prefix)) {
                    continue;
                }
                Path out = into.resolve(entry.getName()).normalize();
                if (!out.startsWith(into)) {
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
                    size = in.transferTo(o);
                }
                if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                    throw new IOException("the zip from " + source + " is corrupt: " + entry.getName() + " has CRC-32 "
                            + Long.toHexString(crc.getValue()) + " but the zip says " + Long.toHexString(entry.getCrc()));
                }
                if (entry.getSize() != -1 && size != entry.getSize()) {
                    throw new IOException("the zip from " + source + " is corrupt: " + entry.getName() + " has " + size
                            + " bytes but the zip says " + entry.getSize());
                }
            }
        }
        if (!Files.isDirectory(into.resolve(folder))) {
            throw new IOException("the zip from " + source + " has no folder " + prefix + " (it has "
                    + names.subList(0, Math.min(5, names.size())) + (names.size() > 5 ? "..." : "") + ")");
        }
    }
}
