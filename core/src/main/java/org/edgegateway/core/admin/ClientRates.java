package org.edgegateway.core.admin;

import java.time.Instant;

/**
 * A client's messages per interval, oldest first, from the gateway's memory ({@link AdminService#clientRates}).
 *
 * @param end         the end of the newest point
 * @param stepSeconds the length of each point
 * @param messages    messages received from the client in each point; as many points as the gateway
 *                    has watched the client, up to its window (empty for a client not seen in it)
 */
public record ClientRates(Instant end, long stepSeconds, long[] messages) {
}
