package org.edgegateway.core.router;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns {@code egw-watchdog}, which holds no socket and no lock: every few milliseconds it checks
 * <ul>
 * <li>the router's inline call ({@link InlineGuard}): one that has held the router thread longer
 * than its lane's {@link LaneLimits#inlineBudget()}, or allocated more than its lane's
 * {@link LaneLimits#maxCallAllocation()}, is taken over (the router carries on on a new thread, the
 * call goes on as an ordinary lane call with its deadline) and its lane loses the right to run
 * inline;</li>
 * <li>the calls running on every lane: a lane whose running calls together allocated more than
 * {@link LaneLimits#maxCallAllocation()} is tripped and those calls' threads stopped; calls of a
 * closed lane still running a second past their time limit are stopped.</li>
 * </ul>
 * Stopping a thread is {@code Thread.stop()}, which JDK 17 to 19 still honour (later JDKs refuse:
 * then the thread stays until its call returns, and its lane stays closed). It is only ever applied
 * to a thread that runs a call its client was already answered for, of a lane taken out of service.
 * Thread-safe.
 */
final class Watchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long IDLE_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final InlineGuard guard;
    private final Consumer<Call> handOver;
    private final java.util.function.BooleanSupplier routerIdle;
    private final Set<Lane> lanes = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    private long seenSeq;
    private long seenAt;
    private long seenAllocated;

    /**
     * @param handOver   starts a new router thread that adopts the call taken over
     * @param routerIdle whether the router is parked (the watchdog then ticks less often)
     */
    Watchdog(InlineGuard guard, Consumer<Call> handOver, java.util.function.BooleanSupplier routerIdle) {
        this.guard = guard;
        this.handOver = handOver;
        this.routerIdle = routerIdle;
        this.thread = new Thread(this::run, "egw-watchdog");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Watches a lane's calls from now on, until it is closed and has none running. */
    void watch(Lane lane) {
        lanes.add(lane);
    }

    private void run() {
        while (running) {
            boolean busy = false;
            try {
                busy = checkInline() | checkLanes();
            } catch (RuntimeException e) {
                LOG.warn("watchdog: {}", e.toString());
            }
            LockSupport.parkNanos(busy || !routerIdle.getAsBoolean() ? TICK_NANOS : IDLE_TICK_NANOS);
        }
    }

    /** True while an inline call is in progress. */
    private boolean checkInline() {
        long s = guard.seq.get();
        if ((s & 1) == 0) {
            return false;
        }
        long now = System.nanoTime();
        Thread runner = guard.runner;
        if (s != seenSeq) {
            seenSeq = s;
            seenAt = now;
            seenAllocated = runner == null ? -1 : Lane.allocatedBytes(runner);
            return true;
        }
        Route route = guard.route;
        if (route == null || runner == null) {
            return true;
        }
        LaneLimits limits = route.lane().limits();
        String why = null;
        if (now - seenAt > limits.inlineBudget().toNanos()) {
            why = "a call held the message thread for more than " + limits.inlineBudget().toMillis()
                    + " ms (plugins.inline-budget)";
        } else if (seenAllocated >= 0) {
            long allocated = Lane.allocatedBytes(runner);
            if (allocated - seenAllocated > limits.maxCallAllocation()) {
                why = "a call allocated more than " + limits.maxCallAllocation() + " bytes on the message thread";
            }
        }
        if (why == null) {
            return true;
        }
        Call call = guard.takeOver(s, seenAt, seenAllocated);
        if (call != null) {
            route.lane().demote(why);
            watch(route.lane());
            handOver.accept(call);
        }
        return true;
    }

    /** True while any watched lane has calls running. */
    private boolean checkLanes() {
        boolean any = false;
        long now = System.nanoTime();
        for (Lane lane : lanes) {
            List<Call> calls = lane.running();
            if (calls.isEmpty()) {
                if (!lane.isOpen()) {
                    lanes.remove(lane);
                }
                continue;
            }
            any = true;
            long allocated = 0;
            for (Call c : calls) {
                Thread t = c.thread;
                long before = c.allocatedAtStart;
                if (t != null && before >= 0) {
                    long a = Lane.allocatedBytes(t);
                    if (a >= 0) {
                        allocated += a - before;
                    }
                }
            }
            long limit = lane.limits().maxCallAllocation();
            if (allocated > limit) {
                lane.trip("its running calls allocated " + allocated + " bytes, more than " + limit
                        + " (plugins.max-call-allocation)");
                for (Call c : calls) {
                    kill(lane, c);
                }
            } else if (!lane.isOpen()) {
                long grace = lane.limits().timeout().toNanos() + STOP_GRACE_NANOS;
                for (Call c : calls) {
                    if (now - c.startedAt > grace) {
                        kill(lane, c);
                    }
                }
            }
        }
        return any;
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void kill(Lane lane, Call c) {
        Thread t = c.thread;
        if (t == null) {
            return;
        }
        LOG.warn("watchdog: stopping thread {} of lane {}, whose call does not return", t.getName(), lane.name());
        try {
            t.stop();
        } catch (UnsupportedOperationException e) {
            // The call's runner clears any interrupt when the call ends, so none reaches its next call.
            t.interrupt();
            LOG.warn("watchdog: this JDK cannot stop thread {}; it stays until its call returns", t.getName());
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
