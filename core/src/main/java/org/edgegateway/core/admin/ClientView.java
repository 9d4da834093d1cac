package org.edgegateway.core.admin;

import java.time.Instant;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientStatus;

/**
 * An enrolled client as an admin sees it: its stored record joined with its live connection.
 *
 * @param lastSeen   its last message: the latest of the live connection's, the ended connections'
 *                   and the stored one, so it never moves back
 * @param connected  whether it has a live authenticated connection now
 * @param peerAddress the address of that connection, or null
 * @param messages   messages from all its connections since the gateway started (ended ones included)
 * @param bytes      their bytes
 * @param connectionMessages messages on the live connection only (0 when not connected)
 * @param connectionBytes    their bytes
 */
public record ClientView(String name, String publicKey, ClientStatus status, Instant enrolledAt,
                         String enrolledBy, Instant lastSeen, ClientLimits limits,
                         String quarantineReason, Instant quarantineUntil,
                         boolean connected, String peerAddress, long messages, long bytes,
                         long connectionMessages, long connectionBytes) {
}
