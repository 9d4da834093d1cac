package org.edgegateway.core.workers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.protocol.WorkerBatch;

/**
 * The frames of the worker protocol (docs/PROTOCOL.md, "Workers"): the commands a worker sends, read
 * from their first frame, and the frames the gateway sends back; the packed frame of the batched mode
 * is {@link WorkerBatch}'s. Stateless, thread-safe; the byte arrays it hands out are sent, never changed.
 */
final class WorkerFrames {
    static final byte[] READY = ascii("READY");
    static final byte[] REQUEST = ascii("REQUEST");
    static final byte[] REPLY = ascii("REPLY");
    static final byte[] HEARTBEAT = ascii("HEARTBEAT");
    static final byte[] DISCONNECT = ascii("DISCONNECT");
    static final byte[] ERROR = ascii("ERROR");
    static final byte[] BATCH = WorkerBatch.BATCH;
    private static final byte[] MODE_BATCH = ascii(WorkerBatch.MODE);
    private static final byte[] ACK = ascii("ACK");
    private static final String BAD_PAYLOAD = "BAD_PAYLOAD";

    static final String BAD_COMMAND = "BAD_FRAME: expected READY, REPLY, BATCH, HEARTBEAT or DISCONNECT";
    static final String BAD_READY = "BAD_FRAME: expected [READY, \"TYPE1,TYPE2\"] or [READY, \"TYPE1,TYPE2\", \"batch\"]";
    static final String MODE_CHANGED = "BAD_FRAME: a connection keeps the mode of its first READY; DISCONNECT to change it";
    static final String BAD_REPLY = "BAD_FRAME: expected [REPLY, request-id, ACK|ERROR, DETAIL]";
    static final String NOT_A_WORKER = "REVOKED: this key is not an enrolled worker";

    /** What a worker's message asks, from its first frame. */
    enum Command { READY, REPLY, BATCH, HEARTBEAT, DISCONNECT, UNKNOWN }

    /** How a READY asks to be served: classic frames, batched, or neither (a bad READY). */
    enum Mode { CLASSIC, BATCH, BAD }

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
        if (Arrays.equals(first, BATCH)) {
            return Command.BATCH;
        }
        if (Arrays.equals(first, HEARTBEAT)) {
            return Command.HEARTBEAT;
        }
        if (Arrays.equals(first, DISCONNECT)) {
            return Command.DISCONNECT;
        }
        return Command.UNKNOWN;
    }

    /** {@code [READY, types]}: classic; {@code [READY, types, "batch"]}: batched; anything else: bad. */
    static Mode mode(List<byte[]> frames) {
        if (frames.size() == 2) {
            return Mode.CLASSIC;
        }
        return frames.size() == 3 && Arrays.equals(frames.get(2), MODE_BATCH) ? Mode.BATCH : Mode.BAD;
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
        return new Reply(requestId, result(Arrays.equals(frames.get(2), ACK), new String(frames.get(3), StandardCharsets.UTF_8)));
    }

    /**
     * What the client gets for a worker's answer, classic or batched: ACK, BAD_PAYLOAD when an error's
     * detail starts with it, any other error a handler failure.
     */
    static HandlerResult result(boolean ack, String detail) {
        if (ack) {
            return HandlerResult.ack(detail);
        }
        if (detail.startsWith(BAD_PAYLOAD)) {
            String rest = detail.substring(BAD_PAYLOAD.length());
            return HandlerResult.badPayload(rest.startsWith(":") ? rest.substring(1).trim() : rest.trim());
        }
        return HandlerResult.failed(detail);
    }

    /** {@code [REQUEST, request-id, TYPE, PAYLOAD, CLIENT-NAME]}. */
    static byte[][] request(long requestId, HandlerMessage m) {
        return new byte[][] {REQUEST, ByteBuffer.allocate(8).putLong(requestId).array(), ascii(m.type()), m.payload(),
            m.clientName().getBytes(StandardCharsets.UTF_8)};
    }

    /** {@code [READY, "T1,T2"]}: the types a worker was given (and {@code "batch"} third, when it is batched). */
    static byte[][] given(Iterable<String> types, boolean batched) {
        byte[] list = ascii(String.join(",", types));
        return batched ? new byte[][] {READY, list, MODE_BATCH} : new byte[][] {READY, list};
    }

    /** {@code [BATCH, packed]}. */
    static byte[][] batch(byte[] packed) {
        return new byte[][] {BATCH, packed};
    }

    /** {@code [ERROR, "CODE: detail"]}. */
    static byte[][] error(String codeAndDetail) {
        return new byte[][] {ERROR, ascii(codeAndDetail)};
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
