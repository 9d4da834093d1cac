package org.edgegateway.core.pubsub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.edgegateway.core.KeyCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which keys the publisher's subscriber connections may belong to, so that revoking or quarantining
 * a key cuts its subscriptions as it cuts its ROUTER connections. The entry points only queue and
 * are thread-safe ({@link #accepted}, {@link #disconnected} on JeroMQ's I/O thread; {@link #admitted},
 * {@link #refused} on {@code egw-zap}); the table is owned by {@code egw-pubsub}, which calls
 * {@link #apply()} once per turn.
 *
 * <h2>Why candidates, not the key</h2>
 * JeroMQ 0.6.0's XPUB rebuilds every subscription message without its metadata, so no message says
 * which key a subscriber authenticated with; the ZAP handler knows the key and the peer's ip but not
 * its port; the socket monitor knows each connection's channel ({@code ip:port}) but not its key. What
 * is certain: a connection's ZAP decision comes after its ACCEPTED event (the I/O thread reports the
 * accept before it writes the ZAP request, and both reach this queue in that order). So a connection
 * may belong to any key admitted from its ip <em>after</em> it was accepted, and to no other. When one
 * of those keys is revoked or quarantined, every such connection is cut (its TCP socket shut down, so
 * the transport drops it and the subscriber reconnects through ZAP): exact when one subscriber
 * connects from an ip at a time, over-broad for subscribers that connect from one ip at once (a
 * NAT), which are cut too and come back at their next reconnect. A revoked key never keeps a
 * connection.
 *
 * <h2>Who wins</h2>
 * A revocation against a handshake of the same key in flight: the ZAP handler may have read the key
 * cache just before the change and admitted it. Then the admission reaches this table after the
 * change, and {@link #apply()} checks the key against the cache when it records the admission: a key
 * no longer allowed is cut at once. Otherwise the change moves the key cache's version, which
 * {@link #apply()} compares every turn.
 *
 * <p>Each connection is also marked decided when the ZAP handler admitted or refused a key from its
 * ip (the newest undecided one; tentative, but each decision marks one), and one that disconnects
 * undecided is reported as an abandoned handshake, for address bans.
 *
 * <p>Memory: one entry per live connection, and per ip with live connections the latest admission of
 * each key admitted from there (bounded by the enrolled keys); an ip is forgotten with its last
 * connection.
 */
public final class Subscribers {
    private static final Logger LOG = LoggerFactory.getLogger(Subscribers.class);
    private static final int MAX_EVENTS_PER_TURN = 10_000;

    private final KeyCache keys;
    private final Clock clock;
    private final Consumer<String> abandonedHandshake;
    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();

    // Owned by egw-pubsub.
    private final Map<SocketChannel, Conn> byChannel = new HashMap<>();
    private final Map<String, Host> hosts = new HashMap<>();
    private long seq;
    private long seenVersion = -1;
    private long cut;

    /** One subscriber connection. Owned by egw-pubsub. */
    private static final class Conn {
        final SocketChannel channel;
        final String peer;
        final String host;
        final long acceptedSeq;
        boolean decided;
        boolean cut;

        Conn(SocketChannel channel, String peer, String host, long acceptedSeq) {
            this.channel = channel;
            this.peer = peer;
            this.host = host;
            this.acceptedSeq = acceptedSeq;
        }
    }

    /** The live connections from one ip and the latest admission of each key from there. Owned by egw-pubsub. */
    private static final class Host {
        final List<Conn> live = new ArrayList<>(2);
        final Map<String, Long> admittedAt = new HashMap<>();
    }

    /**
     * @param abandonedHandshake told, on {@code egw-pubsub}, the ip of each connection that ended before
     *                           the ZAP handler decided on it (must not block)
     */
    public Subscribers(KeyCache keys, Clock clock, Consumer<String> abandonedHandshake) {
        this.keys = keys;
        this.clock = clock;
        this.abandonedHandshake = abandonedHandshake;
    }

    // ---- entry points, any thread: queue only ----------------------------------------------------

    /** The XPUB accepted a TCP connection (JeroMQ's I/O thread). */
    void accepted(SocketChannel channel) {
        String peer = peerOf(channel);
        if (peer != null) {
            events.offer(() -> onAccepted(channel, peer));
        }
    }

    /** A connection of the XPUB is gone (JeroMQ's I/O thread). */
    void disconnected(SocketChannel channel) {
        events.offer(() -> onDisconnected(channel));
    }

    /** The ZAP handler admitted {@code publicKey} from {@code host} to the publisher. */
    public void admitted(String publicKey, String host) {
        events.offer(() -> onAdmitted(publicKey, host));
    }

    /** The ZAP handler refused a subscriber from {@code host}. */
    public void refused(String host) {
        events.offer(() -> onRefused(host));
    }

    // ---- egw-pubsub -----------------------------------------------------------------------------

    /**
     * Applies what was queued, then, when the key cache changed since the last turn, cuts every
     * connection that may belong to a key that is no longer allowed. Returns how many connections it
     * cut. Called by {@code egw-pubsub} only.
     */
    int apply() {
        long before = cut;
        Runnable r;
        int n = 0;
        while (n++ < MAX_EVENTS_PER_TURN && (r = events.poll()) != null) {
            r.run();
        }
        long version = keys.version();
        if (version != seenVersion) {
            seenVersion = version;
            for (Iterator<Map.Entry<String, Host>> it = hosts.entrySet().iterator(); it.hasNext(); ) {
                Host h = it.next().getValue();
                h.admittedAt.entrySet().removeIf(e -> cutIfNotAllowed(h, e.getKey(), e.getValue()));
            }
        }
        return (int) (cut - before);
    }

    /** Live subscriber connections known (for tests and diagnostics). Owned by egw-pubsub. */
    int connections() {
        return byChannel.size();
    }

    private void onAccepted(SocketChannel channel, String peer) {
        Conn c = new Conn(channel, peer, hostOf(peer), ++seq);
        byChannel.put(channel, c);
        hosts.computeIfAbsent(c.host, x -> new Host()).live.add(c);
    }

    private void onDisconnected(SocketChannel channel) {
        Conn c = byChannel.remove(channel);
        if (c == null) {
            return;
        }
        Host h = hosts.get(c.host);
        if (h != null) {
            h.live.remove(c);
            if (h.live.isEmpty()) {
                hosts.remove(c.host);
            }
        }
        if (!c.decided) {
            abandonedHandshake.accept(c.host);
        }
    }

    private void onAdmitted(String publicKey, String host) {
        Host h = hosts.get(host);
        if (h == null) {
            // Its connection is gone already.
            return;
        }
        long at = ++seq;
        h.admittedAt.put(publicKey, at);
        markDecided(h);
        if (cutIfNotAllowed(h, publicKey, at)) {
            h.admittedAt.remove(publicKey);
        }
        forgetOld(h);
    }

    private void onRefused(String host) {
        Host h = hosts.get(host);
        if (h != null) {
            markDecided(h);
        }
    }

    private static void markDecided(Host h) {
        Conn newest = null;
        for (Conn c : h.live) {
            if (!c.decided && (newest == null || c.acceptedSeq > newest.acceptedSeq)) {
                newest = c;
            }
        }
        if (newest != null) {
            newest.decided = true;
        }
    }

    /**
     * Cuts the connections from {@code h} that may be {@code publicKey} (accepted before its
     * admission {@code at}) when the key is no longer allowed; true when it was not.
     */
    private boolean cutIfNotAllowed(Host h, String publicKey, long at) {
        KeyCache.Verdict verdict = keys.verdict(publicKey, clock.instant());
        if (verdict == KeyCache.Verdict.ALLOWED) {
            return false;
        }
        int n = 0;
        for (Conn c : h.live) {
            if (!c.cut && c.acceptedSeq < at) {
                c.cut = true;
                n++;
                shutdown(c);
            }
        }
        cut += n;
        if (n > 0) {
            KeyCache.Entry e = keys.lookup(publicKey);
            LOG.info("pubsub: cut {} subscriber connection(s) from {} that may belong to {} ({}, {})", n, h.live.get(0).host,
                    e == null ? "an unknown client" : e.name(), publicKey, verdict.name().toLowerCase(java.util.Locale.ROOT));
        }
        return true;
    }

    /** Drops admissions older than every live connection from {@code h}: they cannot be any of them. */
    private static void forgetOld(Host h) {
        if (h.admittedAt.size() <= 2 * h.live.size() + 16) {
            return;
        }
        long oldest = Long.MAX_VALUE;
        for (Conn c : h.live) {
            oldest = Math.min(oldest, c.acceptedSeq);
        }
        long floor = oldest;
        h.admittedAt.values().removeIf(at -> at < floor);
    }

    private static void shutdown(Conn c) {
        // Shutting the socket down (not closing it) makes the transport's own I/O thread read
        // end-of-stream and drop the connection the usual way; the subscriber sees the close too.
        try {
            c.channel.shutdownInput();
        } catch (IOException | RuntimeException e) {
            LOG.debug("pubsub: shutdownInput of {} failed: {}", c.peer, e.toString());
        }
        try {
            c.channel.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            LOG.debug("pubsub: shutdownOutput of {} failed: {}", c.peer, e.toString());
        }
    }

    private static String peerOf(SocketChannel channel) {
        try {
            if (channel.getRemoteAddress() instanceof InetSocketAddress a) {
                return a.getAddress().getHostAddress() + ":" + a.getPort();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("pubsub: accepted a channel without an address: {}", e.toString());
        }
        return null;
    }

    private static String hostOf(String peer) {
        int colon = peer.lastIndexOf(':');
        return colon > 0 ? peer.substring(0, colon) : peer;
    }
}
