package org.edgegateway.core.router;

import java.util.Arrays;

/**
 * A ROUTER routing id as a map key. The keys stored in maps are never changed; the router looks up
 * with one reusable probe that it points at each message's routing id frame, so a lookup allocates
 * nothing. Not thread-safe (the probe is the router's own).
 */
final class RoutingId {
    private byte[] bytes;
    private int hash;

    RoutingId(byte[] bytes) {
        set(bytes);
    }

    /** Points this key at other bytes: only for the router's probe, never for a key inside a map. */
    RoutingId set(byte[] b) {
        this.bytes = b;
        this.hash = Arrays.hashCode(b);
        return this;
    }

    byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingId r && hash == r.hash && Arrays.equals(bytes, r.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return org.edgegateway.protocol.Frames.printable(bytes);
    }
}
