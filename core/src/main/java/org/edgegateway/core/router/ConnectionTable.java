package org.edgegateway.core.router;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.ClientTotals;
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
 * is keyed by {@code ip:port} from ACCEPTED; a ZAP admission marks the newest unauthenticated
 * connection from that ip with its key (tentatively, exact as long as handshakes from one ip do not
 * overlap); the first message binds key and routing id for certain; DISCONNECTED (also after a
 * missed heartbeat) removes it.
 *
 * <p>Every step is O(1) whatever the number of connections (a reconnect storm of N clients costs
 * O(N), not O(N^2)): connections are indexed by peer, by routing id, by the ip of those not yet
 * authenticated (in accept order) and by the key of a tentative mark. Only {@link #cut} and
 * {@link #publishIfDirty} walk them all. Each client's last connections and disconnections are kept
 * in a {@link ConnectionHistory}: one record per connect (at its first message) or disconnect.
 */
final class ConnectionTable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionTable.class);

    private final Map<String, Connection> byPeer = new HashMap<>();
    private final Map<RoutingId, Connection> byRouting = new HashMap<>();
    /** Connections of each ip that no ZAP decision has been taken for yet, oldest first. */
    private final Map<String, ArrayDeque<Connection>> unmarkedByHost = new HashMap<>();
    /** The connection a ZAP admission marked with a key, until a message binds that key for certain. */
    private final Map<String, Connection> tentativeByKey = new HashMap<>();
    /** The newest connection bound to each key, for pushes. */
    private final Map<String, Connection> boundByKey = new HashMap<>();
    /**
     * Routing ids of connections gone, the most recent {@value #GONE_KEPT}: messages still queued in the
     * ROUTER when a connection's DISCONNECTED was processed are dropped, not taken for a new connection.
     * (JeroMQ's generated routing ids are never reused.)
     */
    private final Map<RoutingId, Connection> gone = new java.util.LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<RoutingId, Connection> eldest) {
            return size() > GONE_KEPT;
        }
    };
    private static final int GONE_KEPT = 4096;
    private final Map<String, Instant> departed = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Per client name, the ended connections' traffic and last message: merged at a disconnect only
     * (never per message), published with the connections (copied only when a connection ended since
     * the last publication) so that a connection's counts are in exactly one of the two for a reader.
     * Bounded by the names ever connected.
     */
    private final Map<String, ClientTotals> ended = new HashMap<>();
    private boolean endedChanged;
    private volatile ConnectionsSnapshot snapshot = new ConnectionsSnapshot(List.of(), Map.of());
    private final ConnectionHistory history = new ConnectionHistory();
    private boolean dirty;

    void accepted(String peer, SocketChannel channel, Instant at) {
        Connection known = byPeer.get(peer);
        if (known != null && known.channel == null) {
            // Its first message was read before the monitor's report: keep what it learnt.
            known.channel = channel;
        } else {
            if (known != null) {
                forget(known);
            }
            Connection c = new Connection(peer, channel, at);
            byPeer.put(peer, c);
            unmarkedByHost.computeIfAbsent(c.host, h -> new ArrayDeque<>(2)).addLast(c);
        }
        dirty = true;
    }

    /**
     * A connection is gone, as reported {@code at}. Returns its host when it ended before the ZAP
     * handler decided on it (an abandoned or failed handshake), else null.
     */
    String disconnected(String peer, Instant at) {
        Connection c = byPeer.get(peer);
        if (c == null) {
            return null;
        }
        forget(c);
        c.gone = true;
        if (c.routingId != null) {
            gone.put(c.routingId, c);
            history.disconnected(c.name, c.peer, at, c.messages, c.bytes);
        }
        if (c.name != null && c.lastMessageAt != null) {
            // Kept until the next last-seen flush, which would otherwise only see live connections.
            departed.merge(c.name, c.lastMessageAt, (a, b) -> a.isAfter(b) ? a : b);
        }
        if (c.name != null && (c.messages > 0 || c.lastMessageAt != null)) {
            ended.merge(c.name, new ClientTotals(c.lastMessageAt, c.messages, c.bytes), ClientTotals::plus);
            endedChanged = true;
        }
        dirty = true;
        return !c.decided && c.key == null && c.routingId == null ? c.host : null;
    }

    /** Removes {@code c} from every index. */
    private void forget(Connection c) {
        byPeer.remove(c.peer, c);
        if (c.routingId != null) {
            byRouting.remove(c.routingId, c);
        }
        unmarked(c, false);
        if (c.key != null) {
            tentativeByKey.remove(c.key, c);
            boundByKey.remove(c.key, c);
        }
    }

    private void unmarked(Connection c, boolean add) {
        ArrayDeque<Connection> q = unmarkedByHost.get(c.host);
        if (add) {
            if (q == null) {
                q = new ArrayDeque<>(2);
                unmarkedByHost.put(c.host, q);
            }
            q.addLast(c);
        } else if (q != null) {
            q.remove(c);
            if (q.isEmpty()) {
                unmarkedByHost.remove(c.host);
            }
        }
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
        if (newest == null) {
            return;
        }
        Connection previous = tentativeByKey.put(key, newest);
        if (previous != null && previous != newest && previous.routingId == null) {
            // An earlier admission of the same key whose first message never came: a guess no more.
            clearMark(previous);
        }
        newest.key = key;
        newest.name = name;
        newest.authenticatedAt = at;
        dirty = true;
    }

    /** A ZAP refusal from {@code host}: the newest undecided connection from there was decided on. */
    void refused(String host) {
        newestUndecided(host);
    }

    /** Takes the newest undecided connection of {@code host} out of that index, marked decided; or null. */
    private Connection newestUndecided(String host) {
        ArrayDeque<Connection> q = unmarkedByHost.get(host);
        Connection newest = q == null ? null : q.pollLast();
        if (q != null && q.isEmpty()) {
            unmarkedByHost.remove(host);
        }
        if (newest != null) {
            newest.decided = true;
        }
        return newest;
    }

    private void clearMark(Connection c) {
        c.key = null;
        c.name = null;
        c.authenticatedAt = null;
        c.decided = false;
        unmarked(c, true);
    }

    /** The connection of a routing id: live, or gone (then {@link Connection#gone} is set), or null. */
    Connection byRouting(RoutingId id) {
        Connection c = byRouting.get(id);
        return c != null ? c : gone.isEmpty() ? null : gone.get(id);
    }

    /** The newest connection bound to {@code key} (by a message), or null. */
    Connection byKey(String key) {
        return boundByKey.get(key);
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
        } else if (c.key == null) {
            unmarked(c, false);
        } else if (!key.equals(c.key)) {
            tentativeByKey.remove(c.key, c);
        }
        Connection tentative = tentativeByKey.remove(key);
        if (tentative != null && tentative != c && tentative.routingId == null) {
            // The ZAP admission's mark went to the wrong connection of that ip.
            clearMark(tentative);
        }
        c.routingId = id;
        c.decided = true;
        c.key = key;
        c.name = name;
        if (c.authenticatedAt == null) {
            c.authenticatedAt = at;
        }
        history.connected(name, c.peer, c.authenticatedAt);
        byRouting.put(id, c);
        boundByKey.put(key, c);
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

    int size() {
        return byPeer.size();
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
        Map<String, ClientTotals> endedNow = endedChanged ? Map.copyOf(ended) : snapshot.ended();
        endedChanged = false;
        snapshot = new ConnectionsSnapshot(List.copyOf(views), endedNow);
    }

    /** The last connections and disconnections of the client {@code name}, newest first. */
    List<org.edgegateway.core.admin.ConnectionEvent> history(String name) {
        return history.of(name);
    }

    /** The authenticated connections as of the last publication; safe from any thread. */
    List<ConnectionView> snapshot() {
        return snapshot.connections();
    }

    /** The authenticated connections and the ended ones' totals as of the last publication; safe from any thread. */
    ConnectionsSnapshot published() {
        return snapshot;
    }
}
