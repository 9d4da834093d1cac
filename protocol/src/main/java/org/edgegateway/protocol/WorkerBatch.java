package org.edgegateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The packed frame of the workers' batched mode (docs/PROTOCOL.md, "Batched workers"): many requests,
 * or many replies, in the second frame of one {@code [BATCH, packed]} message, so that they share one
 * ZMTP frame and one CURVE box. The one writer and reader of that frame, for the gateway and the SDK's
 * worker alike. Static methods are stateless and thread-safe; a {@link Packer} is not thread-safe.
 *
 * <pre>
 * request entry: request-id (8 bytes) | type length (1 byte, 1-32) | type (ASCII)
 *                | client length (2 bytes) | client name (UTF-8) | payload length (4 bytes) | payload
 * reply entry:   request-id (8 bytes) | status (1 byte: 0 ACK, 1 ERROR) | detail length (4 bytes) | detail (UTF-8)
 * </pre>
 *
 * All integers are unsigned big-endian; a packed frame is one or more entries back to back, nothing
 * before, between or after them.
 */
public final class WorkerBatch {
    /** The first frame of a batched message, both ways. */
    public static final byte[] BATCH = "BATCH".getBytes(StandardCharsets.US_ASCII);
    /** The third frame of a READY that opts in, and of the gateway's READY that accepts it. */
    public static final String MODE = "batch";
    /** A packed frame holds no more than this, unless one entry alone is larger. */
    public static final int MAX_FRAME_BYTES = 256 * 1024;
    /** Fixed bytes of a request entry besides its type, client name and payload. */
    public static final int REQUEST_OVERHEAD = 8 + 1 + 2 + 4;
    /** Fixed bytes of a reply entry besides its detail. */
    public static final int REPLY_OVERHEAD = 8 + 1 + 4;

    private static final byte ACK = 0;
    private static final byte ERROR = 1;
    private static final int MAX_TYPE = 32;
    private static final int MAX_CLIENT = 0xffff;

    /** One request of a packed frame. */
    public record Request(long id, String type, String client, byte[] payload) {
    }

    /** One reply of a packed frame: {@code ack}, or an error whose detail the gateway maps. */
    public record Reply(long id, boolean ack, String detail) {
    }

    private WorkerBatch() {
    }

    /**
     * Entries written one after the other into a buffer of its own, reused from frame to frame. Not
     * thread-safe. {@link #fits} tells whether one more entry stays within the cap; an empty packer
     * takes any entry, so an entry larger than the cap travels alone.
     */
    public static final class Packer {
        private final int cap;
        private byte[] buf = new byte[256];
        private int size;
        private int count;

        /** @param cap the bytes a frame holds at most (one larger entry alone excepted) */
        public Packer(int cap) {
            if (cap < 1) {
                throw new IllegalArgumentException("packer cap < 1: " + cap);
            }
            this.cap = cap;
        }

        /** Entries written since the last {@link #take}. */
        public int count() {
            return count;
        }

        /** Bytes written since the last {@link #take}. */
        public int size() {
            return size;
        }

        /** Whether an entry of {@code bytes} may join the entries written (always, when there are none). */
        public boolean fits(int bytes) {
            return count == 0 || (long) size + bytes <= cap;
        }

        /** The bytes of a request entry, for {@link #fits}. */
        public static int requestBytes(byte[] type, byte[] client, byte[] payload) {
            return REQUEST_OVERHEAD + type.length + client.length + payload.length;
        }

        /** The bytes of a reply entry, for {@link #fits}. */
        public static int replyBytes(byte[] detail) {
            return REPLY_OVERHEAD + detail.length;
        }

        /** Writes a request entry; {@code type} is ASCII (1 to 32 bytes), {@code client} UTF-8 (at most 65,535). */
        public void request(long id, byte[] type, byte[] client, byte[] payload) {
            if (type.length < 1 || type.length > MAX_TYPE) {
                throw new IllegalArgumentException("type of " + type.length + " bytes: not 1 to " + MAX_TYPE);
            }
            if (client.length > MAX_CLIENT) {
                throw new IllegalArgumentException("client name of " + client.length + " bytes: more than " + MAX_CLIENT);
            }
            room(requestBytes(type, client, payload));
            putLong(id);
            buf[size++] = (byte) type.length;
            put(type);
            buf[size++] = (byte) (client.length >>> 8);
            buf[size++] = (byte) client.length;
            put(client);
            putInt(payload.length);
            put(payload);
            count++;
        }

        /** Writes a reply entry. */
        public void reply(long id, boolean ack, byte[] detail) {
            room(replyBytes(detail));
            putLong(id);
            buf[size++] = ack ? ACK : ERROR;
            putInt(detail.length);
            put(detail);
            count++;
        }

        /** The packed frame of the entries written, which the packer then forgets. */
        public byte[] take() {
            byte[] out = Arrays.copyOf(buf, size);
            clear();
            return out;
        }

        /** Forgets the entries written. */
        public void clear() {
            size = 0;
            count = 0;
        }

        private void room(int bytes) {
            long need = (long) size + bytes;
            if (need > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a packed frame of " + need + " bytes is too large");
            }
            if (need > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 8, 2L * buf.length)));
            }
        }

        private void putLong(long v) {
            for (int s = 56; s >= 0; s -= 8) {
                buf[size++] = (byte) (v >>> s);
            }
        }

        private void putInt(int v) {
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        private void put(byte[] b) {
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }
    }

    /**
     * The requests of a packed frame, in order.
     *
     * @throws ProtocolException when the frame is empty, an entry is cut short, a length runs past the
     *                           end, or a type is not 1 to 32 bytes; nothing of such a frame is returned
     */
    public static List<Request> requests(byte[] frame) throws ProtocolException {
        Reader r = new Reader(frame);
        List<Request> out = new ArrayList<>();
        do {
            int at = r.pos;
            long id = r.u64("request-id", at);
            int typeLength = r.u8("type length", at);
            if (typeLength < 1 || typeLength > MAX_TYPE) {
                throw new ProtocolException("BATCH entry at byte " + at + ": type length " + typeLength
                        + " is not 1 to " + MAX_TYPE);
            }
            String type = new String(r.bytes(typeLength, "type", at), StandardCharsets.US_ASCII);
            String client = new String(r.bytes(r.u16("client length", at), "client name", at), StandardCharsets.UTF_8);
            byte[] payload = r.bytes(r.u32("payload length", at), "payload", at);
            out.add(new Request(id, type, client, payload));
        } while (r.pos < frame.length);
        return out;
    }

    /**
     * The replies of a packed frame, in order (ids are not checked here: the gateway knows which it holds).
     *
     * @throws ProtocolException when the frame is empty, an entry is cut short, a length runs past the
     *                           end, or a status is neither ACK (0) nor ERROR (1); nothing of such a
     *                           frame is returned
     */
    public static List<Reply> replies(byte[] frame) throws ProtocolException {
        Reader r = new Reader(frame);
        List<Reply> out = new ArrayList<>();
        do {
            int at = r.pos;
            long id = r.u64("request-id", at);
            int status = r.u8("status", at);
            if (status != ACK && status != ERROR) {
                throw new ProtocolException("BATCH entry at byte " + at + ": status " + status
                        + " is neither 0 (ACK) nor 1 (ERROR)");
            }
            String detail = new String(r.bytes(r.u32("detail length", at), "detail", at), StandardCharsets.UTF_8);
            out.add(new Reply(id, status == ACK, detail));
        } while (r.pos < frame.length);
        return out;
    }

    /** Reads a packed frame front to back; every read checks the bytes left. */
    private static final class Reader {
        private final byte[] frame;
        private int pos;

        Reader(byte[] frame) throws ProtocolException {
            if (frame == null || frame.length == 0) {
                throw new ProtocolException("BATCH holds no entry");
            }
            this.frame = frame;
        }

        private void need(long n, String what, int entry) throws ProtocolException {
            if (n > frame.length - pos) {
                throw new ProtocolException("BATCH entry at byte " + entry + ": " + what + " of " + n
                        + " bytes runs past the end of the frame (" + (frame.length - pos) + " left)");
            }
        }

        long u64(String what, int entry) throws ProtocolException {
            need(8, what, entry);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (frame[pos++] & 0xff);
            }
            return v;
        }

        int u8(String what, int entry) throws ProtocolException {
            need(1, what, entry);
            return frame[pos++] & 0xff;
        }

        int u16(String what, int entry) throws ProtocolException {
            need(2, what, entry);
            int v = ((frame[pos] & 0xff) << 8) | (frame[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        long u32(String what, int entry) throws ProtocolException {
            need(4, what, entry);
            long v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (frame[pos++] & 0xff);
            }
            return v;
        }

        byte[] bytes(long n, String what, int entry) throws ProtocolException {
            need(n, what, entry);
            byte[] out = Arrays.copyOfRange(frame, pos, pos + (int) n);
            pos += (int) n;
            return out;
        }
    }
}
