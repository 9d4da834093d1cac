package org.edgegateway.core.router;

import java.util.Arrays;

/** A client's key and the correlation id of one versioned message. Immutable. */
record DedupKey(String clientKey, byte[] correlationId) {
    @Override
    public boolean equals(Object o) {
        return o instanceof DedupKey d && clientKey.equals(d.clientKey) && Arrays.equals(correlationId, d.correlationId);
    }

    @Override
    public int hashCode() {
        return 31 * clientKey.hashCode() + Arrays.hashCode(correlationId);
    }
}
