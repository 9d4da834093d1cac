package org.edgegateway.core.router;

import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.edgegateway.core.KeyCache;
import zmq.io.Metadata;

/**
 * One TCP connection to the ROUTER and what is known of it. Not thread-safe: owned by
 * {@code egw-router} through {@link ConnectionTable}; lane threads never touch it (a {@link Call}
 * only carries it back to the router).
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
    /**
     * The ZAP handler decided on this connection (admitted or refused it), as far as the table can
     * tell; one that ends undecided was an abandoned or failed handshake.
     */
    boolean decided;
    /** Disconnected: answers still in flight for it are dropped. */
    boolean gone;

    /** The metadata of the last message (one object per connection), the key entry and its version. */
    Metadata metadata;
    String peerAddress;
    KeyCache.Entry entry;
    long entryVersion = -1;

    /** Classic-framing replies in the order of their requests; null while none waits. */
    private ArrayDeque<Slot> order;
    /** Per lane: the call of this connection the lane is busy with, and those waiting behind it. */
    private List<LaneQueue> lanes;

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

    // ---- classic reply order ------------------------------------------------------------------------

    /**
     * A classic-framing reply that must wait for the replies to earlier requests of this connection.
     * Ready once {@code status} is set.
     */
    static final class Slot {
        final boolean delimiter;
        byte[] status;
        byte[] detail;

        Slot(boolean delimiter) {
            this.delimiter = delimiter;
        }
    }

    /** Whether a classic reply would have to wait behind another. */
    boolean replyOrderBusy() {
        return order != null && !order.isEmpty();
    }

    /** Takes a place in the reply order for a request whose answer comes later. */
    Slot reserve(boolean delimiter) {
        if (order == null) {
            order = new ArrayDeque<>(4);
        }
        Slot s = new Slot(delimiter);
        order.addLast(s);
        return s;
    }

    /** The oldest slot, removed from the order, if its reply is ready; else null. */
    Slot pollReady() {
        Slot head = order == null ? null : order.peekFirst();
        if (head == null || head.status == null) {
            return null;
        }
        return order.pollFirst();
    }

    // ---- per-lane order of calls ----------------------------------------------------------------------

    /** This connection's calls on one lane: at most one runs, the rest wait in arrival order. */
    static final class LaneQueue {
        final LaneBook book;
        Call active;
        final ArrayDeque<Call> waiting = new ArrayDeque<>(2);

        LaneQueue(LaneBook book) {
            this.book = book;
        }
    }

    /** The queue of {@code book} if this connection has one. */
    LaneQueue laneQueue(LaneBook book) {
        if (lanes != null) {
            for (int i = 0; i < lanes.size(); i++) {
                LaneQueue q = lanes.get(i);
                if (q.book == book) {
                    return q;
                }
            }
        }
        return null;
    }

    LaneQueue laneQueueOrCreate(LaneBook book) {
        LaneQueue q = laneQueue(book);
        if (q == null) {
            if (lanes == null) {
                lanes = new ArrayList<>(2);
            }
            q = new LaneQueue(book);
            lanes.add(q);
        }
        return q;
    }

    /** Whether a call of this connection on {@code book} is unanswered (then a new one must wait for it). */
    boolean laneBusy(LaneBook book) {
        LaneQueue q = laneQueue(book);
        return q != null && q.active != null;
    }

    void dropLaneQueue(LaneQueue q) {
        if (q.active == null && q.waiting.isEmpty()) {
            lanes.remove(q);
        }
    }
}
