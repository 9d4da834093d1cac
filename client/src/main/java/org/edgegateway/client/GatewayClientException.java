package org.edgegateway.client;

import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.protocol.Reply;

/**
 * Why a request did not get an {@code ACK}. The {@link Kind} says what to do about it (the CLI maps
 * it to its exit code); the message names the endpoint and never contains key material.
 */
public final class GatewayClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The gateway answered {@code ERROR}; see {@link #errorCode()}. */
        ERROR_REPLY,
        /** Connected and authenticated, but no reply came within the request timeout. */
        TIMEOUT,
        /** No TCP connection to the endpoint could be made (refused, unreachable, DNS). */
        UNREACHABLE,
        /**
         * TCP connected but the CURVE handshake did not complete: the server key in the bundle does
         * not match the gateway, or the gateway refused this client's key.
         */
        HANDSHAKE_FAILED,
        /** More requests in flight than the client allows. */
        OVERLOADED,
        /** The client was closed before the reply came. */
        CLOSED,
        /** The calling thread was interrupted while it waited; its interrupt flag is set again. */
        INTERRUPTED
    }

    private final Kind kind;
    private final transient Reply reply;

    GatewayClientException(Kind kind, String message) {
        super(message);
        this.kind = kind;
        this.reply = null;
    }

    GatewayClientException(Reply reply) {
        super("gateway answered " + reply.detailText());
        this.kind = Kind.ERROR_REPLY;
        this.reply = reply;
    }

    public Kind kind() {
        return kind;
    }

    /** The code of an {@code ERROR} reply, or null for the other kinds. */
    public ErrorCode errorCode() {
        return reply == null ? null : reply.code();
    }

    /** The {@code ERROR} reply, or null for the other kinds. */
    public Reply reply() {
        return reply;
    }
}
