package org.edgegateway.protocol;

import java.util.Arrays;

/**
 * How a reply must be framed so that the peer that sent a request can read it: whether the request
 * came with the empty delimiter frame that REQ sockets add, and for the versioned framing its
 * version and correlation id. Immutable.
 *
 * @param delimiter true when the request started with an empty frame (a REQ client)
 * @param version   0 for the two-frame classic form, else the protocol version of the request
 * @param correlationId the client-chosen correlation id of a versioned request, else empty
 */
public record Envelope(boolean delimiter, int version, byte[] correlationId) {

    /** The classic two-frame form from a DEALER. */
    public static final Envelope CLASSIC = new Envelope(false, 0, new byte[0]);

    public Envelope {
        if (version < 0) {
            throw new IllegalArgumentException("version < 0: " + version);
        }
        correlationId = correlationId == null ? new byte[0] : correlationId.clone();
    }

    /** The versioned form of protocol {@code version} with a correlation id. */
    public static Envelope versioned(boolean delimiter, int version, byte[] correlationId) {
        return new Envelope(delimiter, version, correlationId);
    }

    public boolean versioned() {
        return version > 0;
    }

    /** The correlation id: the array itself, not a copy (the envelope copied it when built); do not modify it. */
    @Override
    public byte[] correlationId() {
        return correlationId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope other
                && delimiter == other.delimiter
                && version == other.version
                && Arrays.equals(correlationId, other.correlationId);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Boolean.hashCode(delimiter) + version) + Arrays.hashCode(correlationId);
    }

    @Override
    public String toString() {
        return "Envelope[delimiter=" + delimiter + ", version=" + version
                + ", correlationId=" + Frames.printable(correlationId) + "]";
    }
}
