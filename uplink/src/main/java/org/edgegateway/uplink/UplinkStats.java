package org.edgegateway.uplink;

/**
 * Counters of the uplink. Immutable snapshot.
 *
 * @param waiting      messages on disk waiting for the upstream (with those reserved by handlers running now)
 * @param forwarded    messages the upstream ACKed since start
 * @param attempts     sends since start, retries included
 * @param deadLettered messages the upstream refused for good (BAD_PAYLOAD, TOO_LARGE), kept in the dead-letter table
 * @param connected    whether the upstream answered on the current connection
 * @param lastError    the last reason a batch was not delivered, or empty
 */
public record UplinkStats(long waiting, long forwarded, long attempts, long deadLettered, boolean connected,
                          String lastError) {
}
