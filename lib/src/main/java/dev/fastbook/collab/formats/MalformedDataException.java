package dev.fastbook.collab.formats;

import java.nio.file.Path;

/** A data file could not be parsed; the message names the file, the 1-based line and the problem. */
public class MalformedDataException extends RuntimeException {

    private final transient Path file;
    private final int line;

    public MalformedDataException(Path file, int line, String problem) {
        super(file + ", line " + line + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /** The file that is broken. */
    public Path file() {
        return file;
    }

    /** The 1-based number of the broken line. */
    public int line() {
        return line;
    }
}
