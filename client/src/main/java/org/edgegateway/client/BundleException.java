package org.edgegateway.client;

/**
 * A client bundle folder or certificate that cannot be used: missing, unreadable or malformed. The
 * message names the file at fault and never contains key material.
 */
public final class BundleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
