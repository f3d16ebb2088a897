package dev.fastbook.collab.core;

/** Lets tests in other packages shorten how long a save waits for the lock. */
public final class VersionedFolderAccess {
    private VersionedFolderAccess() {}

    /** Sets the wait in milliseconds; returns the previous one. */
    public static long timeout(long millis) {
        long was = VersionedFolder.lockTimeoutMillis;
        VersionedFolder.lockTimeoutMillis = millis;
        return was;
    }
}
