package org.edgegateway.core.router;

import java.nio.channels.SocketChannel;
import java.time.Instant;

/**
 * One TCP connection to the ROUTER and what is known of it. Not thread-safe: owned by
 * {@code egw-router} through {@link ConnectionTable}.
 */
final class Connection {
    final String peer;
    final String host;
    SocketChannel channel;
    final Instant acceptedAt;
    RoutingId routingId;
    String key;
    String name;
    Instant authenticatedAt;
    Instant lastMessageAt;
    long messages;
    long bytes;
    long errors;
    boolean cut;

    Connection(String peer, SocketChannel channel, Instant acceptedAt) {
        this.peer = peer;
        this.host = hostOf(peer);
        this.channel = channel;
        this.acceptedAt = acceptedAt;
    }

    boolean authenticated() {
        return key != null && !cut;
    }

    static String hostOf(String peer) {
        int colon = peer.lastIndexOf(':');
        return colon > 0 ? peer.substring(0, colon) : peer;
    }
}
