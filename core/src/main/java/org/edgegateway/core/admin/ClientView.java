package org.edgegateway.core.admin;

import java.time.Instant;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientStatus;

/**
 * An enrolled client as an admin sees it: its stored record joined with its live connection.
 *
 * @param connected  whether it has a live authenticated connection now
 * @param peerAddress the address of that connection, or null
 */
public record ClientView(String name, String publicKey, ClientStatus status, Instant enrolledAt,
                         String enrolledBy, Instant lastSeen, ClientLimits limits,
                         String quarantineReason, Instant quarantineUntil,
                         boolean connected, String peerAddress, long messages, long bytes) {
}
