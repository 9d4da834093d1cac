package org.edgegateway.protocol;

import java.nio.charset.StandardCharsets;

/**
 * One decoded request, as {@link Frames#decodeRequest(byte[][], int, int, RequestView)} leaves it: a
 * reusable view that refers to the frame arrays instead of copying them, so that the gateway decodes
 * a message without allocating. Not thread-safe: one owner fills and reads it, then fills it again
 * for the next message; whatever must outlive that (a correlation id of a call still running) is
 * taken out of it first.
 */
public final class RequestView {
    private static final byte[] EMPTY = new byte[0];

    /** What the frames were. */
    public enum Kind {
        /** {@code [TYPE, PAYLOAD]}: data for the handler of the type. */
        DATA,
        /** {@code [PING]}: answered {@code PONG} by the gateway itself. */
        PING,
        /** Not a request: answer {@link #code()} with {@link #detail()}. */
        MALFORMED
    }

    Kind kind;
    boolean delimiter;
    int version;
    byte[] correlationId = EMPTY;
    byte[] type;
    byte[] payload;
    ErrorCode code;
    String detail;

    void reset() {
        kind = Kind.MALFORMED;
        delimiter = false;
        version = 0;
        correlationId = EMPTY;
        type = null;
        payload = null;
        code = null;
        detail = null;
    }

    void malformed(ErrorCode c, String why) {
        kind = Kind.MALFORMED;
        code = c;
        detail = why;
        type = null;
        payload = null;
    }

    void data(byte[] typeFrame, byte[] payloadFrame) {
        kind = Kind.DATA;
        type = typeFrame;
        payload = payloadFrame;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the request came with the empty delimiter frame of a REQ socket (the reply repeats it). */
    public boolean delimiter() {
        return delimiter;
    }

    /** 0 for the classic framing, else the protocol version of a versioned request. */
    public int version() {
        return version;
    }

    /** The correlation id frame of a versioned request (empty otherwise): the frame itself, not a copy. */
    public byte[] correlationId() {
        return correlationId;
    }

    /** The type frame of a {@link Kind#DATA} request: ASCII token bytes, the frame itself. */
    public byte[] type() {
        return type;
    }

    /** The payload frame of a {@link Kind#DATA} request, the frame itself. */
    public byte[] payload() {
        return payload;
    }

    /** The error to answer a {@link Kind#MALFORMED} request with. */
    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return detail;
    }

    /** The framing of the reply, as a record (allocates). */
    public Envelope envelope() {
        return new Envelope(delimiter, version, correlationId);
    }

    /** The request as a record (allocates). */
    public Inbound toInbound() {
        Envelope envelope = envelope();
        return switch (kind) {
            case DATA -> new Inbound.Data(envelope, new String(type, StandardCharsets.US_ASCII), payload);
            case PING -> new Inbound.Ping(envelope);
            case MALFORMED -> new Inbound.Malformed(envelope, code, detail);
        };
    }
}
