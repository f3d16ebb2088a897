package dev.fastbook.collab.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The turn of one writer on a lock file, among the threads of this process (a {@link ReentrantLock})
 * and among processes (a {@link FileLock}, which the JVM holds per process, not per thread). Closing
 * releases both. {@link VersionedFolder}'s saves take turns with it.
 */
final class FolderLock implements AutoCloseable {
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;

    private FolderLock(ReentrantLock local, FileChannel channel) {
        this.local = local;
        this.channel = channel;
    }

    /** The lock, or null when it is not free within {@code millis}. */
    static FolderLock acquire(Path lockFile, long millis) throws IOException {
        Path dir = lockFile.getParent();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile, d -> new ReentrantLock());
        try {
            if (!local.tryLock(millis, TimeUnit.MILLISECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for another save into " + dir, e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            for (long pause = 2; ; pause = Math.min(50, pause * 2)) {
                FileLock fl;
                try {
                    fl = channel.tryLock();
                } catch (OverlappingFileLockException heldInThisJvm) {
                    fl = null; // by code outside this class (ours goes through the in-process lock first)
                }
                if (fl != null) {
                    return new FolderLock(local, channel);
                }
                if (System.nanoTime() - deadline > 0) {
                    release(channel, local);
                    return null;
                }
                Thread.sleep(pause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release(channel, local);
            throw new IOException("Interrupted while waiting for another save into " + dir, e);
        } catch (IOException | RuntimeException e) {
            release(channel, local);
            throw IoErrors.named(
                    e instanceof IOException io ? io : new IOException(e),
                    "lock " + lockFile,
                    "saving needs a folder this process may write to");
        }
    }

    /** As {@link #acquire}, with null also when the folder cannot hold a lock file (e.g. read-only). */
    static FolderLock acquireOrNull(Path lockFile, long millis) {
        try {
            return acquire(lockFile, millis);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        release(channel, local);
    }

    private static void release(FileChannel channel, ReentrantLock local) {
        try {
            if (channel != null) {
                channel.close(); // releases the file lock
            }
        } catch (IOException ignored) {
            // closing releases the lock; nothing else to undo
        } finally {
            local.unlock();
        }
    }
}
