package dev.fastbook.collab.formats;

/** The data set is neither where {@code FASTBOOK_DATA} or the cache say, nor downloadable. The message says what to do. */
public class DataNotFoundException extends IllegalStateException {

    public DataNotFoundException(String message) {
        super(message);
    }

    public DataNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
