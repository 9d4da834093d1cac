package org.edgegateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The wire codec, shared by the gateway and the client: frames (the parts of one ZeroMQ multipart
 * message, after the ROUTER's routing id) to records and back. Pure functions, thread-safe.
 *
 * <p>Two framings are accepted (docs/PROTOCOL.md):
 * <ul>
 * <li>classic: {@code [TYPE, PAYLOAD]} or {@code [PING]}, answered with two frames;</li>
 * <li>versioned: {@code [EGW/1, CORRELATION_ID, TYPE, PAYLOAD]} or {@code [EGW/1, CORRELATION_ID, PING]},
 * answered with {@code [EGW/1, CORRELATION_ID, STATUS, DETAIL]} so that a client can pipeline.</li>
 * </ul>
 * Either may be preceded by the empty delimiter frame of a REQ socket, which the reply repeats.
 */
public final class Frames {
    public static final byte[] ACK = ascii("ACK");
    public static final byte[] ERROR = ascii("ERROR");
    public static final byte[] PING = ascii("PING");
    public static final byte[] PONG = ascii("PONG");

    /** Version frames are this prefix and a decimal version: {@code EGW/1}. */
    public static final String VERSION_PREFIX = "EGW/";
    /** The versions this codec speaks. */
    public static final int CURRENT_VERSION = 1;
    public static final byte[] VERSION_1 = ascii(VERSION_PREFIX + CURRENT_VERSION);
    /** The longest correlation id accepted, in bytes. */
    public static final int MAX_CORRELATION_ID = 64;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] PREFIX = ascii(VERSION_PREFIX);

    private Frames() {
    }

    /**
     * Decodes the frames of one request. Never throws for any input: what is not a request becomes
     * {@link Inbound.Malformed} with the code to answer.
     */
    public static Inbound decodeRequest(List<byte[]> frames) {
        if (frames == null) {
            return new Inbound.Malformed(Envelope.CLASSIC, ErrorCode.BAD_FRAME, "no frames");
        }
        RequestView view = new RequestView();
        decodeRequest(frames.toArray(new byte[0][]), frames.size(), frames.size(), view);
        return view.toInbound();
    }

    /**
     * Decodes the first {@code count} of a request's {@code total} frames into {@code into} (frames
     * past {@code count} were not kept by the caller: more than it reads make the request
     * {@code BAD_FRAME}). The allocation-free form of {@link #decodeRequest(List)}: {@code into} refers
     * to the frame arrays, it copies none. Never throws for any input.
     */
    public static void decodeRequest(byte[][] frames, int count, int total, RequestView into) {
        into.reset();
        if (frames == null || count == 0) {
            into.malformed(ErrorCode.BAD_FRAME, "no frames");
            return;
        }
        int at = 0;
        if (frames[0].length == 0 && count > 1) {
            // REQ sockets put an empty delimiter frame first; a lone empty frame is just empty.
            into.delimiter = true;
            at = 1;
        }
        decodeFrom(frames, at, count - at, into);
        if (total > count) {
            // Answered in the envelope the first frames describe, as any other malformed request.
            into.malformed(ErrorCode.BAD_FRAME, "too many frames: " + total);
        }
    }

    private static void decodeFrom(byte[][] frames, int at, int remaining, RequestView into) {
        byte[] first = frames[at];
        if (remaining == 1 && first.length == 0) {
            into.malformed(ErrorCode.BAD_FRAME, "empty message");
            return;
        }
        if (startsWith(first, PREFIX)) {
            decodeVersioned(frames, at, remaining, first, into);
            return;
        }
        if (remaining == 1) {
            if (Arrays.equals(first, PING)) {
                into.kind = RequestView.Kind.PING;
            } else {
                into.malformed(ErrorCode.BAD_FRAME, "expected [TYPE, PAYLOAD], got 1 frame");
            }
            return;
        }
        if (remaining > 2) {
            into.malformed(ErrorCode.BAD_FRAME, "expected [TYPE, PAYLOAD], got " + remaining + " frames");
            return;
        }
        if (!TypeNames.isValid(first)) {
            into.malformed(ErrorCode.BAD_FRAME, "type is not a token [A-Za-z0-9_.-]{1,32}");
            return;
        }
        into.data(first, frames[at + 1]);
    }

    private static void decodeVersioned(byte[][] frames, int at, int remaining, byte[] versionFrame, RequestView into) {
        int version = parseVersion(versionFrame);
        if (version != CURRENT_VERSION) {
            into.malformed(ErrorCode.UNSUPPORTED_VERSION, printable(versionFrame)
                    + " is not supported; supported versions: " + VERSION_PREFIX + CURRENT_VERSION);
            return;
        }
        if (remaining < 2) {
            into.malformed(ErrorCode.BAD_FRAME, "versioned message without a correlation id");
            return;
        }
        byte[] correlation = frames[at + 1];
        if (correlation.length == 0 || correlation.length > MAX_CORRELATION_ID) {
            into.malformed(ErrorCode.BAD_FRAME, "correlation id must be 1-" + MAX_CORRELATION_ID + " bytes, got "
                    + correlation.length);
            return;
        }
        into.version = version;
        into.correlationId = correlation;
        if (remaining == 3 && Arrays.equals(frames[at + 2], PING)) {
            into.kind = RequestView.Kind.PING;
            return;
        }
        if (remaining != 4) {
            into.malformed(ErrorCode.BAD_FRAME, "expected [" + VERSION_PREFIX + version + ", ID, TYPE, PAYLOAD], got "
                    + remaining + " frames");
            return;
        }
        byte[] type = frames[at + 2];
        if (!TypeNames.isValid(type)) {
            into.malformed(ErrorCode.BAD_FRAME, "type is not a token [A-Za-z0-9_.-]{1,32}");
            return;
        }
        into.data(type, frames[at + 3]);
    }

    /** The version in a frame {@code EGW/N}, or -1 when the rest is not a small decimal number. */
    private static int parseVersion(byte[] frame) {
        int length = frame.length - PREFIX.length;
        if (length < 1 || length > 4) {
            return -1;
        }
        int version = 0;
        for (int i = PREFIX.length; i < frame.length; i++) {
            byte b = frame[i];
            if (b < '0' || b > '9') {
                return -1;
            }
            version = version * 10 + (b - '0');
        }
        return version;
    }

    /** The frames of a request, as a client sends them. */
    public static List<byte[]> encodeRequest(Envelope envelope, String type, byte[] payload) {
        TypeNames.requireValid(type);
        List<byte[]> frames = head(envelope);
        frames.add(ascii(type));
        frames.add(payload == null ? EMPTY : payload);
        return frames;
    }

    /** The frames of a ping, as a client sends them. */
    public static List<byte[]> encodePing(Envelope envelope) {
        List<byte[]> frames = head(envelope);
        frames.add(PING);
        return frames;
    }

    /** The frames of a reply, as the gateway sends them (after the routing id). */
    public static List<byte[]> encodeReply(Reply reply) {
        List<byte[]> frames = head(reply.envelope());
        frames.add(statusFrame(reply.status()));
        frames.add(reply.detail());
        return frames;
    }

    /** The status frame of a reply with this status; shared constants, never to be modified. */
    public static byte[] statusFrame(Reply.Status status) {
        return switch (status) {
            case ACK -> ACK;
            case ERROR -> ERROR;
            case PONG -> PONG;
        };
    }

    /** The version frame of protocol {@code version} ({@code EGW/1} is a shared constant). */
    public static byte[] versionFrame(int version) {
        return version == CURRENT_VERSION ? VERSION_1 : ascii(VERSION_PREFIX + version);
    }

    /** The frames of a push to a client (after the routing id). */
    public static List<byte[]> encodePush(Push push) {
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(VERSION_1);
        frames.add(EMPTY);
        frames.add(ascii(push.type()));
        frames.add(push.payload());
        return frames;
    }

    /**
     * Decodes what a client received. {@code delimiter} says whether the client is a REQ socket
     * whose frames still carry the empty delimiter (JeroMQ's and libzmq's REQ strip it).
     */
    public static FromGateway decodeFromGateway(List<byte[]> frames) throws ProtocolException {
        if (frames == null || frames.isEmpty()) {
            throw new ProtocolException("no frames");
        }
        int at = frames.get(0).length == 0 ? 1 : 0;
        boolean delimiter = at == 1;
        int remaining = frames.size() - at;
        if (remaining < 1) {
            throw new ProtocolException("empty reply");
        }
        Envelope envelope = new Envelope(delimiter, 0, EMPTY);
        byte[] first = frames.get(at);
        if (startsWith(first, PREFIX)) {
            int version = parseVersion(first);
            if (version != CURRENT_VERSION || remaining != 4) {
                throw new ProtocolException("unexpected versioned reply of " + remaining + " frames: " + printable(first));
            }
            byte[] correlation = frames.get(at + 1);
            if (correlation.length == 0) {
                byte[] type = frames.get(at + 2);
                if (!TypeNames.isValid(type)) {
                    throw new ProtocolException("push with a bad type");
                }
                return new Push(ascii(type), frames.get(at + 3));
            }
            envelope = Envelope.versioned(delimiter, version, correlation);
            at += 2;
            remaining -= 2;
        }
        if (remaining != 2) {
            throw new ProtocolException("expected [STATUS, DETAIL], got " + remaining + " frames");
        }
        byte[] status = frames.get(at);
        byte[] detail = frames.get(at + 1);
        if (Arrays.equals(status, ACK)) {
            return new Reply(envelope, Reply.Status.ACK, null, detail);
        }
        if (Arrays.equals(status, PONG)) {
            return new Reply(envelope, Reply.Status.PONG, null, detail);
        }
        if (Arrays.equals(status, ERROR)) {
            ErrorCode code = ErrorCode.fromDetail(new String(detail, StandardCharsets.UTF_8));
            if (code == null) {
                throw new ProtocolException("error reply without a known code: " + printable(detail));
            }
            return new Reply(envelope, Reply.Status.ERROR, code, detail);
        }
        throw new ProtocolException("unknown reply status " + printable(status));
    }

    private static List<byte[]> head(Envelope envelope) {
        List<byte[]> frames = new ArrayList<>(5);
        if (envelope.delimiter()) {
            frames.add(EMPTY);
        }
        if (envelope.versioned()) {
            frames.add(versionFrame(envelope.version()));
            frames.add(envelope.correlationId());
        }
        return frames;
    }

    private static boolean startsWith(byte[] frame, byte[] prefix) {
        if (frame.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (frame[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** A short, log-safe rendering of untrusted bytes: printable ASCII kept, the rest as \xNN, cut at 48. */
    public static String printable(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        int n = Math.min(bytes.length, 48);
        for (int i = 0; i < n; i++) {
            int c = bytes[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                out.append((char) c);
            } else {
                out.append(String.format("\\x%02x", c));
            }
        }
        if (bytes.length > n) {
            out.append("...(").append(bytes.length).append(" bytes)");
        }
        return out.toString();
    }

    /** {@link #printable(byte[])} for a string that came from outside. */
    public static String printable(String s) {
        return s == null ? "null" : printable(s.getBytes(StandardCharsets.UTF_8));
    }
}
