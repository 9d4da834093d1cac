package org.edgegateway.core.router;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Calls that finished off the router thread, on their way back to it. Thread-safe and lock-free: any
 * thread {@link #push}es (one compare-and-set, no allocation: the call is its own list node), and
 * {@code egw-router} takes everything at once with one exchange. A push rings the router's
 * {@link Doorbell}, which costs a system call only when the router is parked.
 */
final class Inbox {
    private final AtomicReference<Call> head = new AtomicReference<>();
    private final Doorbell bell;

    Inbox(Doorbell bell) {
        this.bell = bell;
    }

    void push(Call call) {
        Call h;
        do {
            h = head.get();
            call.inboxNext = h;
        } while (!head.compareAndSet(h, call));
        bell.ring();
    }

    boolean isEmpty() {
        return head.get() == null;
    }

    /** Router only: every call pushed since the last take, oldest first (linked by {@code inboxNext}). */
    Call takeAll() {
        Call c = head.getAndSet(null);
        Call reversed = null;
        while (c != null) {
            Call next = c.inboxNext;
            c.inboxNext = reversed;
            reversed = c;
            c = next;
        }
        return reversed;
    }
}
