package org.edgegateway.core.admin;

import java.time.Instant;

/**
 * One live, authenticated connection.
 *
 * @param peerAddress  {@code ip:port}, or just the ip while the client has not sent anything yet
 * @param lastMessageAt null until the first message
 */
public record ConnectionView(String clientName, String publicKey, String peerAddress, Instant connectedAt,
                             Instant lastMessageAt, long messages, long bytes, long errors) {
}
