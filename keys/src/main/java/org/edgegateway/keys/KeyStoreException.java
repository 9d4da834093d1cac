package org.edgegateway.keys;

/**
 * A key store operation that failed. The message names the value at fault (a client name, a key,
 * a file) and never contains SQL; the cause, if any, is the underlying exception.
 */
public final class KeyStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an operation failed, for callers that translate it (HTTP status, CLI exit code). */
    public enum Reason {
        /** The name is already taken. */
        DUPLICATE_NAME,
        /** The public key (or token hash) is already enrolled. */
        DUPLICATE_KEY,
        /** No such client, user or token. */
        NOT_FOUND,
        /** A bad argument, or an operation that does not apply in the current state. */
        INVALID,
        /** The change would break a rule that holds across rows: no enabled admin would be left. */
        CONFLICT,
        /** The database failed, is in use by another process, or is not a key store. */
        STORAGE
    }

    private final Reason reason;

    public KeyStoreException(Reason reason, String message) {
        this(reason, message, null);
    }

    public KeyStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        if (reason == null) {
            throw new IllegalArgumentException("reason is null");
        }
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
