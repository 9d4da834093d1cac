package org.edgegateway.core.router;

import java.util.concurrent.atomic.AtomicLong;
import org.edgegateway.plugin.api.HandlerMessage;

/**
 * The handshake between {@code egw-router}, which runs non-blocking handlers inline, and the
 * {@link Watchdog}, which takes the router's place when such a call overruns. Thread-safe by the
 * protocol below; no lock.
 *
 * <p>{@link #seq} is even while the router is not in a handler and odd while it is. Before a call
 * the router writes the call's context into the plain fields and then makes {@code seq} odd (a
 * volatile write that publishes them); after it, it moves {@code seq} on with one compare-and-set.
 * The watchdog takes over with a compare-and-set of the same odd value: exactly one of them
 * succeeds. If the watchdog wins, the call becomes an ordinary {@link Call} running on the old
 * router thread, a new router thread carries on with the socket, and the old thread, when the
 * handler returns at last, finds its compare-and-set failed, hands the result to that call and
 * ends. Values of {@code seq} only grow, so a late compare-and-set never matches a newer call.
 */
final class InlineGuard {
    final AtomicLong seq = new AtomicLong();
    final Inbox inbox;

    // The context of the call in progress; written by the router before seq turns odd.
    Route route;
    Connection connection;
    HandlerMessage message;
    boolean delimiter;
    int version;
    byte[] correlationId;
    DedupKey dedup;
    long arrivedAt;

    /** The router thread of the current generation. */
    volatile Thread runner;
    /** The call the watchdog made of an overrunning inline call; set before its compare-and-set. */
    volatile Call takeover;

    InlineGuard(Inbox inbox) {
        this.inbox = inbox;
    }

    /** Router: the context is written; the call starts. Returns the odd value to end it with. */
    long begin() {
        long s = seq.get() + 1;
        seq.set(s);
        return s;
    }

    /** Router: true if the call ended on this thread; false if the watchdog took over meanwhile. */
    boolean end(long s) {
        return seq.compareAndSet(s, s + 1);
    }

    /**
     * Watchdog: turns the inline call {@code s} into a running {@link Call} and takes it from the
     * router, or returns null when the router finished it first.
     */
    Call takeOver(long s, long since, long allocated) {
        Thread old = runner;
        Call c;
        try {
            c = new Call(route.lane(), route, inbox, connection, delimiter, version, correlationId, dedup, message,
                    arrivedAt);
        } catch (RuntimeException torn) {
            // The router moved on while the fields were read; its compare-and-set has won.
            return null;
        }
        c.adopt(old, since, allocated);
        takeover = c;
        if (!seq.compareAndSet(s, s + 1)) {
            route.lane().finished(c);
            return null;
        }
        return c;
    }
}
