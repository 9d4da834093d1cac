package org.edgegateway.plugin.api;

/**
 * What a handler answers: an acknowledgement or a refusal with one of the codes a handler may use.
 * The gateway turns it into {@code [ACK, detail]} or {@code [ERROR, "CODE: detail"]}. Immutable.
 */
public record HandlerResult(Outcome outcome, String detail) {

    /** The answers open to a handler; the names are the protocol's codes. */
    public enum Outcome {
        /** Accepted. */
        ACK,
        /** The payload is not acceptable for this type. */
        BAD_PAYLOAD,
        /** The handler could not process an acceptable payload. */
        HANDLER_FAILED,
        /** The handler is at capacity; the client may retry later. */
        BUSY
    }

    public HandlerResult {
        if (outcome == null) {
            throw new IllegalArgumentException("outcome is required");
        }
        detail = detail == null ? "" : detail;
    }

    public static HandlerResult ack(String detail) {
        return new HandlerResult(Outcome.ACK, detail);
    }

    public static HandlerResult badPayload(String detail) {
        return new HandlerResult(Outcome.BAD_PAYLOAD, detail);
    }

    public static HandlerResult failed(String detail) {
        return new HandlerResult(Outcome.HANDLER_FAILED, detail);
    }

    public static HandlerResult busy(String detail) {
        return new HandlerResult(Outcome.BUSY, detail);
    }

    public boolean isAck() {
        return outcome == Outcome.ACK;
    }
}
