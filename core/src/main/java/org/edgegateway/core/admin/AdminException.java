package org.edgegateway.core.admin;

/** An admin request that cannot be carried out; the message is safe to show the admin. */
public final class AdminException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for translation at the edges (HTTP status, CLI exit code). */
    public enum Kind {
        /** Bad input: a malformed key or name, a value out of range (HTTP 400). */
        INVALID,
        /** No such client or object (HTTP 404). */
        NOT_FOUND,
        /** The name or key is taken, or the state forbids the change (HTTP 409). */
        CONFLICT,
        /** The gateway or its store cannot serve the request now (HTTP 503). */
        UNAVAILABLE
    }

    private final Kind kind;

    public AdminException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public AdminException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
