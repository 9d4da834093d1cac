package org.edgegateway.core.admin;

import java.time.Instant;
import java.util.Map;

/**
 * Gateway-wide counters since start.
 *
 * @param errorsByCode error replies sent, by protocol error code
 * @param zapDenialsByReason refused handshakes, by reason
 * @param uplink the uplink to the upstream gateway, or null when this gateway has none
 */
public record GatewayStats(Instant startedAt, int connectedClients, long messagesIn, long bytesIn,
                           long acks, Map<String, Long> errorsByCode, long handshakesAllowed,
                           Map<String, Long> zapDenialsByReason, long droppedFrames, UplinkView uplink) {
}
