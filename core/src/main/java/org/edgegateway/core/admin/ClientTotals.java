package org.edgegateway.core.admin;

import java.time.Instant;

/**
 * What the connections of one client that have ended added up to since the gateway started, and when
 * the last of them last sent. Immutable.
 *
 * @param lastSeen the last message of any of them, or null
 */
public record ClientTotals(Instant lastSeen, long messages, long bytes) {

    /** These totals and {@code other}'s together. */
    public ClientTotals plus(ClientTotals other) {
        Instant seen = lastSeen == null ? other.lastSeen
                : other.lastSeen == null || lastSeen.isAfter(other.lastSeen) ? lastSeen : other.lastSeen;
        return new ClientTotals(seen, messages + other.messages, bytes + other.bytes);
    }
}
