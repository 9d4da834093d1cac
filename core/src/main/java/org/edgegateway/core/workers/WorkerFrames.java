package org.edgegateway.core.workers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;

/**
 * The frames of the worker protocol (docs/PROTOCOL.md, "Workers"): the commands a worker sends, read
 * from their first frame, and the frames the gateway sends back. Stateless, thread-safe; the byte
 * arrays it hands out are sent, never changed.
 */
final class WorkerFrames {
    static final byte[] READY = ascii("READY");
    static final byte[] REQUEST = ascii("REQUEST");
    static final byte[] REPLY = ascii("REPLY");
    static final byte[] HEARTBEAT = ascii("HEARTBEAT");
    static final byte[] DISCONNECT = ascii("DISCONNECT");
    static final byte[] ERROR = ascii("ERROR");
    private static final byte[] ACK = ascii("ACK");
    private static final String BAD_PAYLOAD = "BAD_PAYLOAD";

    static final String BAD_COMMAND = "BAD_FRAME: expected READY, REPLY, HEARTBEAT or DISCONNECT";
    static final String BAD_READY = "BAD_FRAME: expected [READY, \"TYPE1,TYPE2\"]";
    static final String BAD_REPLY = "BAD_FRAME: expected [REPLY, request-id, ACK|ERROR, DETAIL]";
    static final String NOT_A_WORKER = "REVOKED: this key is not an enrolled worker";

    /** What a worker's message asks, from its first frame. */
    enum Command { READY, REPLY, HEARTBEAT, DISCONNECT, UNKNOWN }

    /** A worker's answer to one request: the request's id and what the client gets. */
    record Reply(long requestId, HandlerResult result) {
    }

    private WorkerFrames() {
    }

    static Command command(byte[] first) {
        if (Arrays.equals(first, READY)) {
            return Command.READY;
        }
        if (Arrays.equals(first, REPLY)) {
            return Command.REPLY;
        }
        if (Arrays.equals(first, HEARTBEAT)) {
            return Command.HEARTBEAT;
        }
        if (Arrays.equals(first, DISCONNECT)) {
            return Command.DISCONNECT;
        }
        return Command.UNKNOWN;
    }

    /** The types of a READY's second frame, {@code "T1,T2"}, trimmed, empty ones left out (not checked). */
    static List<String> announced(byte[] types) {
        List<String> out = new ArrayList<>();
        for (String t : new String(types, StandardCharsets.US_ASCII).split(",")) {
            String type = t.trim();
            if (!type.isEmpty()) {
                out.add(type);
            }
        }
        return out;
    }

    /**
     * {@code [REPLY, request-id, ACK|ERROR, DETAIL]} read: ACK, BAD_PAYLOAD when an ERROR's detail
     * starts with it, any other ERROR a handler failure; null when the frames are not a REPLY.
     */
    static Reply reply(List<byte[]> frames) {
        if (frames.size() != 4 || frames.get(1).length != 8) {
            return null;
        }
        long requestId = ByteBuffer.wrap(frames.get(1)).getLong();
        String detail = new String(frames.get(3), StandardCharsets.UTF_8);
        HandlerResult result;
        if (Arrays.equals(frames.get(2), ACK)) {
            result = HandlerResult.ack(detail);
        } else if (detail.startsWith(BAD_PAYLOAD)) {
            String rest = detail.substring(BAD_PAYLOAD.length());
            result = HandlerResult.badPayload(rest.startsWith(":") ? rest.substring(1).trim() : rest.trim());
        } else {
            result = HandlerResult.failed(detail);
        }
        return new Reply(requestId, result);
    }

    /** {@code [REQUEST, request-id, TYPE, PAYLOAD, CLIENT-NAME]}. */
    static byte[][] request(long requestId, HandlerMessage m) {
        return new byte[][] {REQUEST, ByteBuffer.allocate(8).putLong(requestId).array(), ascii(m.type()), m.payload(),
            m.clientName().getBytes(StandardCharsets.UTF_8)};
    }

    /** {@code [READY, "T1,T2"]}: the types a worker was given. */
    static byte[][] given(Iterable<String> types) {
        return new byte[][] {READY, ascii(String.join(",", types))};
    }

    /** {@code [ERROR, "CODE: detail"]}. */
    static byte[][] error(String codeAndDetail) {
        return new byte[][] {ERROR, ascii(codeAndDetail)};
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
