package org.edgegateway.protocol;

/** Frames received from the gateway that do not follow docs/PROTOCOL.md. */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
