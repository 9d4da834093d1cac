package org.edgegateway.web;

/**
 * An HTTP error answered as {@code {"error":CODE,"message":...}}; the message is shown to the
 * admin, so it never holds a secret or a stack trace.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    ApiException(int status, String code, String message) {
        this(status, code, message, 0);
    }

    ApiException(int status, String code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds for a Retry-After header, or 0 for none. */
    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static ApiException throttled(java.time.Duration wait) {
        long seconds = Math.max(1, wait.toSeconds());
        return new ApiException(429, "THROTTLED", "too many failed logins; try again in " + seconds + " s", seconds);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "INVALID", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", message);
    }
}
