package org.edgegateway.uplink;

import java.time.Instant;

/**
 * Counters of the uplink. Immutable snapshot.
 *
 * @param waiting      messages on disk waiting for the upstream (with those reserved by handlers running now)
 * @param forwarded    messages the upstream ACKed since start
 * @param attempts     sends since start, retries included
 * @param deadLettered messages the upstream refused for good (BAD_PAYLOAD, TOO_LARGE), kept in the dead-letter table
 * @param connected    whether the upstream answered on the current connection
 * @param lastError    the last reason a batch was not delivered, or empty
 * @param refusals     messages the upstream refused since start in a way only a change on the upstream ends
 *                     (UNKNOWN_TYPE, REVOKED, QUARANTINED, a refused handshake); they stay queued
 * @param refusal      the refusal in force, {@code CODE: what the upstream said}, or empty while it accepts
 * @param remedy       what to change on the upstream to end the refusal, or empty
 * @param refusedSince when the refusal in force began, or null
 */
public record UplinkStats(long waiting, long forwarded, long attempts, long deadLettered, boolean connected,
                          String lastError, long refusals, String refusal, String remedy, Instant refusedSince) {

    /** Whether the upstream refuses uplink traffic now. */
    public boolean refused() {
        return !refusal.isEmpty();
    }
}
