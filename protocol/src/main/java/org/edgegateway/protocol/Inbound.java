package org.edgegateway.protocol;

/**
 * A decoded message from a client, one of three shapes. Immutable.
 */
public sealed interface Inbound {

    /** How the reply to this message must be framed. */
    Envelope envelope();

    /** {@code [TYPE, PAYLOAD]}: data for the handler of {@code type}. */
    record Data(Envelope envelope, String type, byte[] payload) implements Inbound {
        public Data {
            TypeNames.requireValid(type);
            payload = payload == null ? new byte[0] : payload;
        }
    }

    /** {@code [PING]}: a liveness probe, answered with {@code PONG} by the gateway itself. */
    record Ping(Envelope envelope) implements Inbound {
    }

    /** Frames that do not form a message; the reply is {@code ERROR code: detail}. */
    record Malformed(Envelope envelope, ErrorCode code, String detail) implements Inbound {
    }
}
