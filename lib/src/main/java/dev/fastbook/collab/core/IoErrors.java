package dev.fastbook.collab.core;

import java.io.IOException;

/**
 * I/O errors that say where and what to do: the JDK reports a full disk as {@code IOException: No
 * space left on device}, naming no file. {@link #named} wraps such an error once, keeping it as the
 * cause.
 */
public final class IoErrors {
    private IoErrors() {}

    /**
     * {@code e} with a message "Could not {@code what}: &lt;its message&gt;. {@code todo}."; an error
     * already wrapped here is returned as it is.
     */
    public static IOException named(IOException e, String what, String todo) {
        if (e instanceof Named) {
            return e;
        }
        String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() == null && fs.getFile() != null) {
            cause = e.getClass().getSimpleName() + " " + fs.getFile(); // e.g. AccessDeniedException /x/y
        }
        return new Named(
                "Could not " + what + ": " + cause + ". " + Character.toUpperCase(todo.charAt(0)) + todo.substring(1)
                        + ".",
                e);
    }

    /** An error already worded by {@link #named}. */
    static final class Named extends IOException {
        Named(String message, IOException cause) {
            super(message, cause);
        }
    }
}
