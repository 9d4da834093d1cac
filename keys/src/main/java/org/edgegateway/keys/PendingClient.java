package org.edgegateway.keys;

import java.time.Instant;

/**
 * A client that enrolled itself on a claim needing approval and waits for an admin. Immutable.
 *
 * @param address the peer address it enrolled from, as the transport reported it
 */
public record PendingClient(String name, String publicKey, long claimId, String address, Instant enrolledAt) {
}
