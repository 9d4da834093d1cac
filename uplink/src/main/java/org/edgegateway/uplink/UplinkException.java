package org.edgegateway.uplink;

/** The uplink's storage failed; the message names the folder or file at fault. */
public final class UplinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UplinkException(String message) {
        super(message);
    }

    public UplinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
