package org.edgegateway.protocol;

/**
 * The stable error codes that start the detail frame of an {@code ERROR} reply, as
 * {@code "CODE: human readable detail"}. Codes are never renamed or reused; new ones may be added.
 * docs/PROTOCOL.md describes when each is sent.
 */
public enum ErrorCode {
    /** The frames do not form a message: wrong count, empty, or a type that is not a token. */
    BAD_FRAME,
    /** No handler is registered for the message type. */
    UNKNOWN_TYPE,
    /** The handler for the type refused the payload (invalid UTF-8, malformed JSON, ...). */
    BAD_PAYLOAD,
    /** The payload is above the gateway's size limit. */
    TOO_LARGE,
    /** The client is over its message or byte rate; the message was dropped. */
    RATE_LIMITED,
    /** The client is quarantined; its messages are discarded until released. */
    QUARANTINED,
    /** The client's key has been revoked. */
    REVOKED,
    /** The handler failed, timed out or is stopped after repeated failures. */
    HANDLER_FAILED,
    /** The version frame names a protocol version this gateway does not speak. */
    UNSUPPORTED_VERSION,
    /** The gateway or the handler for this type is at capacity; retry later. */
    BUSY,
    /** A message addressed to a client that is not connected (pushes and uplinks). */
    NOT_CONNECTED;

    /** Parses the code at the start of an error detail ({@code "CODE: ..."}), or null if there is none. */
    public static ErrorCode fromDetail(String detail) {
        if (detail == null) {
            return null;
        }
        int colon = detail.indexOf(':');
        String name = colon < 0 ? detail : detail.substring(0, colon);
        for (ErrorCode code : values()) {
            if (code.name().equals(name)) {
                return code;
            }
        }
        return null;
    }
}
