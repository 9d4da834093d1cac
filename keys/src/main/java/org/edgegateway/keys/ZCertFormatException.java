package org.edgegateway.keys;

import java.io.IOException;
import java.nio.file.Path;

/** A certificate file that is not a valid ZPL CURVE certificate; names the file and the line. */
public final class ZCertFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    ZCertFormatException(Path file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /** The certificate file at fault. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, or 0 when the problem is with the file as a whole. */
    public int line() {
        return line;
    }
}
