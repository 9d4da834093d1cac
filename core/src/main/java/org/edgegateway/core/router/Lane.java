package org.edgegateway.core.router;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the calls of one plugin (or of one handler outside plugins) run when they do not run inline
 * on the router thread: its own threads, {@code egw-lane-<name>-N}, at most {@link LaneLimits#threads()}
 * busy with calls the router still waits for, plus at most {@link LaneLimits#maxStuck()} held by
 * calls already answered as timed out. Thread-safe.
 *
 * <p>The lane only runs what the router hands it. Everything that decides (which call runs next,
 * in which order per connection, how many bytes wait, deadlines, the breaker's count) is kept by
 * the router on its own thread, without locks. The router hands it a call only while fewer than
 * {@link LaneLimits#threads()} of its calls run, so a hand-off is one unpark of an idle thread.
 *
 * <p>State shared with other threads: open or closed (a closed lane takes no call; the router
 * answers {@code BUSY} for what still waits), demoted (its handlers lost the right to run inline),
 * the calls running now (for the {@link Watchdog}), the number of stuck calls, and counters.
 */
public final class Lane {
    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);

    /**
     * Runs a lane's calls somewhere other than the lane's own threads (an external worker, say). Called on
     * the router thread: must send or queue the call without blocking and return at once. The dispatcher {@link RemoteCall#begin()
     * begins} each call when it sends it and {@link RemoteCall#complete completes} it when the answer
     * comes; the router's deadline and the same compare-and-set decide, as for a lane thread, who answers.
     */
    @FunctionalInterface
    public interface Dispatcher {
        /** Takes the call; false when it cannot (then the client gets BUSY). */
        boolean dispatch(RemoteCall call);
    }

    /** Told when a lane's breaker or watchdog finds its handler misbehaving. Called on any thread; must not block. */
    @FunctionalInterface
    public interface TripListener {
        void tripped(Lane lane, String reason);
    }

    private final String name;
    private final String label;
    private final LaneLimits limits;
    private final TripListener onTrip;
    private final ThreadPoolExecutor threads;
    private final Dispatcher dispatcher;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicInteger stuck = new AtomicInteger();
    private final Set<Call> running = ConcurrentHashMap.newKeySet();
    private volatile boolean demoted;
    private volatile String closedReason = "";

    final LongAdder calls = new LongAdder();
    final LongAdder inlineCalls = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder busy = new LongAdder();
    final LongAdder slow = new LongAdder();

    /**
     * @param name   short, for thread names and logs (a plugin's id)
     * @param label  what clients are told is busy, e.g. {@code "plugin json"}
     */
    public Lane(String name, String label, LaneLimits limits, TripListener onTrip) {
        this(name, label, limits, onTrip, null);
    }

    /** A lane whose calls {@code dispatcher} runs elsewhere; it has no threads of its own. */
    public static Lane remote(String name, String label, LaneLimits limits, TripListener onTrip, Dispatcher dispatcher) {
        if (dispatcher == null) {
            throw new IllegalArgumentException("lane " + name + ": a remote lane needs a dispatcher");
        }
        return new Lane(name, label, limits, onTrip, dispatcher);
    }

    private Lane(String name, String label, LaneLimits limits, TripListener onTrip, Dispatcher dispatcher) {
        if (name == null || name.isBlank() || label == null || label.isBlank()) {
            throw new IllegalArgumentException("lane: a name and a label are required");
        }
        this.name = name;
        this.label = label;
        this.limits = limits;
        this.onTrip = onTrip;
        AtomicInteger n = new AtomicInteger();
        // Enough threads for the calls the router lets run plus the stuck ones the lane tolerates. The
        // queue holds calls handed over while a thread is on its way back from its previous call, and
        // calls the router expired before they started (answered and emptied of their payload: a
        // thread skips them): it is bounded by the router, which admits calls within its bounds.
        int size = limits.threads() + limits.maxStuck();
        this.dispatcher = dispatcher;
        this.threads = dispatcher != null ? null : new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "egw-lane-" + name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        if (threads != null) {
            this.threads.allowCoreThreadTimeOut(true);
        }
    }

    /** A lane whose trips are only logged: for handlers that no host can stop. */
    public static Lane unsupervised(String name, String label, LaneLimits limits) {
        return new Lane(name, label, limits, (lane, reason) -> { });
    }

    public String name() {
        return name;
    }

    /** What clients are told is busy or not serving, e.g. {@code "plugin json"}. */
    public String label() {
        return label;
    }

    public LaneLimits limits() {
        return limits;
    }

    public boolean isOpen() {
        return open.get();
    }

    /** Why the lane closed; empty while it is open. */
    public String closedReason() {
        return closedReason;
    }

    /**
     * Stops taking calls (the router answers {@code BUSY} for calls still waiting); true the first
     * time. Calls running go on until they return or their deadline passes.
     */
    public boolean close(String reason) {
        if (open.compareAndSet(true, false)) {
            closedReason = reason;
            if (threads != null) {
                threads.shutdown();
            }
            return true;
        }
        return false;
    }

    /** Reports misbehaviour to the lane's owner (which may close the lane); logged each time while open. */
    public void trip(String reason) {
        if (open.get()) {
            LOG.warn("lane {}: {}", name, reason);
            onTrip.tripped(this, reason);
        }
    }

    /** Whether the lane's calls run elsewhere (an external worker), not on threads of its own. */
    public boolean isRemote() {
        return dispatcher != null;
    }

    /** Whether the lane's handlers lost the right to run inline on the router thread. */
    public boolean demoted() {
        return demoted;
    }

    void demote(String reason) {
        if (!demoted) {
            demoted = true;
            LOG.warn("lane {}: {}; its calls run on its own threads from now on", name, reason);
        }
    }

    /** Calls answered as timed out whose threads are still busy. */
    public int stuck() {
        return stuck.get();
    }

    void stuck(int delta) {
        stuck.addAndGet(delta);
    }

    /** Router: hands a call to a free thread; false when the lane is closed or has no thread left. */
    boolean execute(Call call) {
        if (!open.get()) {
            return false;
        }
        if (dispatcher != null) {
            return dispatcher.dispatch(call);
        }
        try {
            threads.execute(call);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    void started(Call call) {
        running.add(call);
    }

    void finished(Call call) {
        running.remove(call);
    }

    /** The calls running now, for the watchdog. */
    List<Call> running() {
        return new ArrayList<>(running);
    }

    /** The host's counters of this lane, named as the metrics show them ({@code host_calls}, ...). */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("host_calls", calls.sum());
        out.put("host_inline_calls", inlineCalls.sum());
        out.put("host_failures", failures.sum());
        out.put("host_timeouts", timeouts.sum());
        out.put("host_busy", busy.sum());
        out.put("host_slow", slow.sum());
        out.put("host_stuck", (long) stuck.get());
        return out;
    }

    /** Bytes {@code t} has allocated so far, or -1 where the JVM does not tell. */
    static long allocatedBytes(Thread t) {
        com.sun.management.ThreadMXBean mx = ALLOCATIONS;
        return mx != null && mx.isThreadAllocatedMemoryEnabled() ? mx.getThreadAllocatedBytes(t.getId()) : -1;
    }

    private static final com.sun.management.ThreadMXBean ALLOCATIONS =
            ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                    && mx.isThreadAllocatedMemorySupported() ? mx : null;

    @Override
    public String toString() {
        return "Lane[" + name + (open.get() ? "" : ", closed: " + closedReason) + (demoted ? ", demoted" : "") + "]";
    }
}
