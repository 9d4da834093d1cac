package org.edgegateway.core.router;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.ConnectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which enrolled clients are connected, from where, since when, with their traffic. Written only by
 * {@code egw-router}; other threads read the immutable {@link #snapshot()} it publishes.
 *
 * <p>The transport tells us little: the socket monitor reports a TCP connection accepted or gone
 * (with its channel, hence {@code ip:port}) but neither a finished handshake nor the routing id.
 * The ZAP handler reports an allowed key and the client's ip (no port). Every message carries the
 * authenticated key ({@code User-Id}) and {@code Peer-Address} ({@code ip:port}). So: a connection
 * is keyed by {@code ip:port} from ACCEPTED; a ZAP admission marks the oldest unauthenticated
 * connection from that ip with its key (tentatively, exact as long as handshakes from one ip do not
 * overlap); the first message binds key and routing id for certain; DISCONNECTED (also after a
 * missed heartbeat) removes it.
 */
final class ConnectionTable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionTable.class);

    private final Map<String, Connection> byPeer = new HashMap<>();
    private final Map<RoutingId, Connection> byRouting = new HashMap<>();
    private final Map<String, Instant> departed = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile List<ConnectionView> snapshot = List.of();
    private boolean dirty;

    void accepted(String peer, SocketChannel channel, Instant at) {
        Connection known = byPeer.get(peer);
        if (known != null && known.channel == null) {
            // Its first message was read before the monitor's report: keep what it learnt.
            known.channel = channel;
        } else {
            byPeer.put(peer, new Connection(peer, channel, at));
        }
        dirty = true;
    }

    /**
     * A connection is gone. Returns its host when it ended before the ZAP handler decided on it (an
     * abandoned or failed handshake), else null.
     */
    String disconnected(String peer) {
        Connection c = byPeer.remove(peer);
        if (c != null) {
            c.gone = true;
        }
        if (c != null && c.routingId != null) {
            byRouting.remove(c.routingId, c);
        }
        if (c != null && c.name != null && c.lastMessageAt != null) {
            // Kept until the next last-seen flush, which would otherwise only see live connections.
            departed.merge(c.name, c.lastMessageAt, (a, b) -> a.isAfter(b) ? a : b);
        }
        dirty = true;
        return c != null && !c.decided && c.key == null && c.routingId == null ? c.host : null;
    }

    /** Last message times of clients that disconnected since the previous call; safe from any thread. */
    Map<String, Instant> drainDeparted() {
        Map<String, Instant> out = new HashMap<>();
        for (String name : departed.keySet()) {
            Instant at = departed.remove(name);
            if (at != null) {
                out.put(name, at);
            }
        }
        return out;
    }

    /**
     * A ZAP admission of {@code key} from {@code host}: marks the newest undecided connection from
     * there (connections stuck earlier in their handshake are older), until its first message says
     * for certain.
     */
    void authenticated(String key, String name, String host, Instant at) {
        Connection newest = newestUndecided(host);
        if (newest != null) {
            newest.key = key;
            newest.name = name;
            newest.authenticatedAt = at;
            newest.decided = true;
            dirty = true;
        }
    }

    /** A ZAP refusal from {@code host}: the newest undecided connection from there was decided on. */
    void refused(String host) {
        Connection newest = newestUndecided(host);
        if (newest != null) {
            newest.decided = true;
        }
    }

    private Connection newestUndecided(String host) {
        Connection newest = null;
        for (Connection c : byPeer.values()) {
            if (!c.decided && c.key == null && c.host.equals(host)
                    && (newest == null || c.acceptedAt.isAfter(newest.acceptedAt))) {
                newest = c;
            }
        }
        return newest;
    }

    Connection byRouting(RoutingId id) {
        return byRouting.get(id);
    }

    /**
     * Binds a routing id to the authenticated key of the connection its first message came on.
     * A connection the monitor has not reported (yet) is created from the message's metadata.
     */
    Connection bind(RoutingId id, String key, String name, String peer, Instant at) {
        Connection c = peer == null ? null : byPeer.get(peer);
        if (c == null) {
            c = new Connection(peer == null ? "unknown:" + id : peer, null, at);
            byPeer.put(c.peer, c);
        }
        for (Connection other : byPeer.values()) {
            if (other != c && other.routingId == null && key.equals(other.key)) {
                // A tentative mark from the ZAP admission that went to the wrong connection.
                other.key = null;
                other.name = null;
                other.authenticatedAt = null;
                other.decided = false;
            }
        }
        c.routingId = id;
        c.decided = true;
        c.key = key;
        c.name = name;
        if (c.authenticatedAt == null) {
            c.authenticatedAt = at;
        }
        byRouting.put(id, c);
        dirty = true;
        return c;
    }

    void touched(Connection c) {
        dirty = true;
    }

    /** Cuts every connection authenticated with {@code key}: its TCP socket is shut down, the transport then drops it. */
    int cut(String key) {
        int n = 0;
        for (Connection c : byPeer.values()) {
            if (key.equals(c.key) && !c.cut) {
                c.cut = true;
                n++;
                LOG.debug("connections: cutting {} ({})", c.peer, c.channel == null ? "no channel" : "channel");
                shutdown(c.channel);
            }
        }
        if (n > 0) {
            dirty = true;
        }
        return n;
    }

    private static void shutdown(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        // Shutting the socket down (not closing it) makes the transport's own I/O thread read
        // end-of-stream and tear the connection down the usual way; the peer sees the close too.
        try {
            channel.shutdownInput();
        } catch (IOException | RuntimeException e) {
            LOG.debug("connections: shutdownInput failed: {}", e.toString());
        }
        try {
            channel.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            LOG.debug("connections: shutdownOutput failed: {}", e.toString());
        }
    }

    Collection<Connection> all() {
        return byPeer.values();
    }

    /** Publishes a new snapshot if anything changed since the last one. */
    void publishIfDirty() {
        if (!dirty) {
            return;
        }
        dirty = false;
        List<ConnectionView> views = new ArrayList<>();
        for (Connection c : byPeer.values()) {
            if (c.authenticated()) {
                views.add(new ConnectionView(c.name, c.key, c.routingId == null ? c.host : c.peer,
                        c.authenticatedAt, c.lastMessageAt, c.messages, c.bytes, c.errors));
            }
        }
        views.sort(Comparator.comparing(ConnectionView::clientName).thenComparing(ConnectionView::peerAddress));
        snapshot = List.copyOf(views);
    }

    /** The authenticated connections as of the last publication; safe from any thread. */
    List<ConnectionView> snapshot() {
        return snapshot;
    }
}
