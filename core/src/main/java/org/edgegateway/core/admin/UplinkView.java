package org.edgegateway.core.admin;

import java.time.Instant;

/**
 * An edge's uplink to its upstream gateway, as the admin sees it (stats, UI, {@code doctor}).
 * Immutable.
 *
 * @param connected    whether the upstream answered on the current connection
 * @param waiting      messages queued on disk for the upstream
 * @param forwarded    messages the upstream ACKed since start
 * @param deadLettered messages the upstream refused for good (BAD_PAYLOAD, TOO_LARGE)
 * @param refusals     messages the upstream refused since start in a way only a change on the upstream
 *                     ends (UNKNOWN_TYPE, REVOKED, QUARANTINED, a refused handshake); they stay queued
 * @param refusal      the refusal in force ({@code CODE: what the upstream said}), or empty while it accepts
 * @param remedy       what to change on the upstream to end it, or empty
 * @param refusedSince when the refusal in force began, or null
 * @param lastError    the last reason a batch was not delivered, or empty
 */
public record UplinkView(boolean connected, long waiting, long forwarded, long deadLettered, long refusals,
                         String refusal, String remedy, Instant refusedSince, String lastError) {
}
