package org.edgegateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reply from the gateway to one request: {@code [ACK, detail]}, {@code [ERROR, "CODE: detail"]}
 * or {@code [PONG, detail]}, framed by the request's {@link Envelope}. Immutable.
 */
public record Reply(Envelope envelope, Status status, ErrorCode code, byte[] detail) implements FromGateway {

    /** The first frame of a reply. */
    public enum Status { ACK, ERROR, PONG }

    public Reply {
        if (envelope == null || status == null) {
            throw new IllegalArgumentException("envelope and status are required");
        }
        if ((status == Status.ERROR) != (code != null)) {
            throw new IllegalArgumentException("an ERROR reply needs a code, other replies none: " + status + "/" + code);
        }
        detail = detail == null ? new byte[0] : detail;
    }

    public static Reply ack(Envelope envelope, String detail) {
        return new Reply(envelope, Status.ACK, null, detail.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply pong(Envelope envelope) {
        return new Reply(envelope, Status.PONG, null, new byte[0]);
    }

    /** An error whose detail frame reads {@code "CODE: detail"}. */
    public static Reply error(Envelope envelope, ErrorCode code, String detail) {
        String text = detail == null || detail.isEmpty() ? code.name() : code.name() + ": " + detail;
        return new Reply(envelope, Status.ERROR, code, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The detail frame as text (it is UTF-8 for every reply the gateway makes). */
    public String detailText() {
        return new String(detail, StandardCharsets.UTF_8);
    }

    public boolean isAck() {
        return status == Status.ACK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reply r && envelope.equals(r.envelope) && status == r.status
                && code == r.code && Arrays.equals(detail, r.detail);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * envelope.hashCode() + status.hashCode()) + Arrays.hashCode(detail);
    }

    @Override
    public String toString() {
        return "Reply[" + status + (code == null ? "" : " " + code) + ", " + Frames.printable(detail) + "]";
    }
}
