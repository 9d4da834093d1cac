package org.edgegateway.core.router;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;

/**
 * One handler call that left the router thread: on a lane thread, or on a former router thread
 * whose inline call overran its budget. Shared by the router and the thread that runs it.
 *
 * <p>Exactly one side answers the client, decided by one compare-and-set on {@link #state}:
 * <pre>
 *   NEW --run--&gt; RUNNING --returns--&gt; DONE          the runner wins: it hands the call to the router's inbox
 *    |               \--deadline--&gt; INTERRUPTING --&gt; EXPIRED   the router wins: it answers at once
 *    \--deadline (never started)--&gt; EXPIRED
 * </pre>
 * The router interrupts the runner only after winning {@code RUNNING -> INTERRUPTING}, and the
 * runner, having lost, waits for {@code EXPIRED} and clears its interrupt flag before it does
 * anything else: an interrupt meant for a call never outlives it, so it can never land on the
 * next call or on channel I/O. The router never blocks on a call and a call never touches a socket.
 *
 * <p>Fields without a note are written by the router before the call is handed over and never
 * again. {@code result} and {@code failure} are written by the runner before its winning
 * compare-and-set, which publishes them. Fields marked "router" belong to {@code egw-router}.
 */
final class Call implements Runnable, RemoteCall {
    static final int NEW = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;
    static final int INTERRUPTING = 3;
    static final int EXPIRED = 4;

    /** The correlation id of a classic request: none. */
    static final byte[] NO_ID = new byte[0];

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Call.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Lane lane;
    final Route route;
    final Inbox inbox;
    final Connection connection;
    final boolean delimiter;
    final int version;
    final byte[] correlationId;
    final DedupKey dedup;
    final long bytes;
    final long arrivedAt;
    final long deadline;
    /** The message; the router drops it once the call is answered, so the payload can go. */
    HandlerMessage message;

    private volatile int state;
    volatile Thread thread;
    volatile long startedAt;
    volatile long allocatedAtStart = -1;
    HandlerResult result;
    Throwable failure;

    /** Link in the router's inbox (written by the runner before it pushes). */
    Call inboxNext;
    /** Router: links in its lane's list of unanswered calls, in arrival (hence deadline) order. */
    Call prev;
    Call next;
    /** Router: answered (by completion, deadline or refusal); its reply is out or queued in order. */
    boolean answered;
    /** Router: in its lane's list of unanswered calls. */
    boolean listed;
    /** Router: in its lane's queue of calls ready to run. */
    boolean inReady;
    /** Router: handed to a lane thread (or adopted from an inline overrun). */
    boolean submitted;
    /** Router: the classic-framing reply slot this call fills, or null. */
    Connection.Slot slot;

    Call(Lane lane, Route route, Inbox inbox, Connection connection, boolean delimiter, int version,
         byte[] correlationId, DedupKey dedup, HandlerMessage message, long arrivedAt) {
        this.lane = lane;
        this.route = route;
        this.inbox = inbox;
        this.connection = connection;
        this.delimiter = delimiter;
        this.version = version;
        this.correlationId = correlationId;
        this.dedup = dedup;
        this.message = message;
        this.bytes = message.payload().length;
        this.arrivedAt = arrivedAt;
        this.deadline = arrivedAt + lane.limits().timeout().toNanos();
    }

    int state() {
        return state;
    }

    // ---- RemoteCall: a call a lane's dispatcher runs elsewhere (no thread of ours to interrupt) ----

    @Override
    public HandlerMessage message() {
        return message;
    }

    @Override
    public boolean begin() {
        if (STATE.compareAndSet(this, NEW, RUNNING)) {
            startedAt = System.nanoTime();
            return true;
        }
        return state == RUNNING;
    }

    @Override
    public boolean pending() {
        int s = state;
        return s == NEW || s == RUNNING;
    }

    @Override
    public void complete(HandlerResult answer) {
        if (state != RUNNING) {
            return;
        }
        result = answer;
        if (STATE.compareAndSet(this, RUNNING, DONE)) {
            inbox.push(this);
        }
    }

    @Override
    public long deadline() {
        return deadline;
    }

    /** An inline call taken over by the watchdog: already running on {@code runner} since {@code since}. */
    void adopt(Thread runner, long since, long allocated) {
        thread = runner;
        startedAt = since;
        allocatedAtStart = allocated;
        STATE.setVolatile(this, RUNNING);
        lane.started(this);
    }

    /** Runs the handler on a lane thread; skipped when the router expired the call first. */
    @Override
    public void run() {
        Thread t = Thread.currentThread();
        thread = t;
        if (!STATE.compareAndSet(this, NEW, RUNNING)) {
            thread = null;
            return;
        }
        startedAt = System.nanoTime();
        allocatedAtStart = Lane.allocatedBytes(t);
        lane.started(this);
        try {
            result = route.handler().handle(message);
        } catch (Throwable e) {
            // Every throwable of plugin code, ThreadDeath from the watchdog included, ends the call.
            failure = e;
        } finally {
            finish();
        }
    }

    /**
     * The runner's side of the race, after the handler returned or threw (a former router thread
     * calls it too): hands the call to the router, or, when the router already answered, waits out
     * its interrupt and clears it.
     */
    void finish() {
        lane.finished(this);
        if (STATE.compareAndSet(this, RUNNING, DONE)) {
            thread = null;
            // No interrupt of this call (the watchdog's last resort on JDKs that cannot stop a thread) outlives it.
            Thread.interrupted();
            inbox.push(this);
            return;
        }
        while (state == INTERRUPTING) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
        thread = null;
        lane.stuck(-1);
    }

    /** {@link #expire()}: the runner finished first; the call is on its way to the inbox. */
    static final int LOST = 0;
    /** {@link #expire()}: the router won before the call started; no thread holds it. */
    static final int EXPIRED_WAITING = 1;
    /** {@link #expire()}: the router won while the call ran; its thread was interrupted and may stay busy. */
    static final int EXPIRED_RUNNING = 2;

    /**
     * Router: ends the call by its deadline (or because its lane closed). Unless {@link #LOST}, the
     * router won and must answer.
     */
    int expire() {
        while (true) {
            int s = state;
            if (s == NEW) {
                if (STATE.compareAndSet(this, NEW, EXPIRED)) {
                    return EXPIRED_WAITING;
                }
            } else if (s == RUNNING) {
                if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
                    // Counted before EXPIRED is published, so the runner's release comes after it. A
                    // remote call holds no thread of ours: nothing to count, nothing to interrupt.
                    if (!lane.isRemote()) {
                        lane.stuck(1);
                    }
                    Thread t = thread;
                    if (t != null) {
                        t.interrupt();
                    }
                    STATE.setVolatile(this, EXPIRED);
                    return EXPIRED_RUNNING;
                }
            } else {
                return LOST;
            }
        }
    }
}
