package org.edgegateway.core.router;

import java.util.ArrayDeque;

/**
 * What the router knows of one {@link Lane}: its unanswered calls in arrival order (which, with one
 * time limit per lane, is deadline order: the router checks only the head each turn, no timer per
 * call), the calls ready to run that wait for a thread, bytes held, the breaker's count and the
 * recent messages. Not thread-safe: owned by {@code egw-router}.
 */
final class LaneBook {
    final Lane lane;
    final RecentLog recent;
    /** Unanswered calls, oldest first, linked through {@link Call#prev} and {@link Call#next}. */
    Call head;
    private Call tail;
    int unanswered;
    long bytes;
    /** Calls handed to a lane thread (or adopted) and not answered yet. */
    int running;
    /** Calls that may run (no earlier call of their connection on this lane is unanswered) but wait for a thread. */
    final ArrayDeque<Call> ready = new ArrayDeque<>();
    /** Consecutive failures: exceptions, time-outs, no result. */
    int failures;
    /** Whether the router's list of lanes with unanswered calls holds this book. */
    boolean active;

    LaneBook(Lane lane, RecentLog recent) {
        this.lane = lane;
        this.recent = recent;
    }

    /** Appends a call that arrived now (calls arrive in time order, so the list stays in deadline order). */
    void append(Call c) {
        c.prev = tail;
        c.next = null;
        if (tail == null) {
            head = c;
        } else {
            tail.next = c;
        }
        tail = c;
        unanswered++;
        bytes += c.bytes;
        c.listed = true;
    }

    /** Inserts a call that arrived earlier than the newest (an adopted inline call), keeping deadline order. */
    void insertByDeadline(Call c) {
        Call after = tail;
        while (after != null && after.deadline > c.deadline) {
            after = after.prev;
        }
        c.prev = after;
        c.next = after == null ? head : after.next;
        if (c.next == null) {
            tail = c;
        } else {
            c.next.prev = c;
        }
        if (after == null) {
            head = c;
        } else {
            after.next = c;
        }
        unanswered++;
        bytes += c.bytes;
        c.listed = true;
    }

    /** Removes an answered call. */
    void unlink(Call c) {
        if (c.prev == null) {
            head = c.next;
        } else {
            c.prev.next = c.next;
        }
        if (c.next == null) {
            tail = c.prev;
        } else {
            c.next.prev = c.prev;
        }
        c.prev = null;
        c.next = null;
        c.listed = false;
        unanswered--;
        bytes -= c.bytes;
    }

    void ready(Call c) {
        ready.addLast(c);
        c.inReady = true;
    }

    Call nextReady() {
        Call c = ready.pollFirst();
        if (c != null) {
            c.inReady = false;
        }
        return c;
    }
}
