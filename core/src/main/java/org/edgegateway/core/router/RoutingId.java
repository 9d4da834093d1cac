package org.edgegateway.core.router;

import java.util.Arrays;

/** A ROUTER routing id as a map key. Immutable. */
record RoutingId(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingId r && Arrays.equals(bytes, r.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return org.edgegateway.protocol.Frames.printable(bytes);
    }
}
