package org.edgegateway.core.admin;

import java.time.Instant;

/**
 * A client's connection began or ended ({@link AdminService#connectionHistory}).
 *
 * @param at          when the handshake admitted it (CONNECTED) or the transport reported it gone
 *                    (DISCONNECTED)
 * @param peerAddress {@code ip:port}
 * @param messages    what the connection carried, when it ended; 0 for CONNECTED
 * @param bytes       their bytes
 */
public record ConnectionEvent(Kind event, Instant at, String peerAddress, long messages, long bytes) {

    public enum Kind { CONNECTED, DISCONNECTED }
}
