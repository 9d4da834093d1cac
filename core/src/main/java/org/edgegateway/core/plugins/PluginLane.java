package org.edgegateway.core.plugins;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the router gets for a type a plugin serves: a {@link MessageHandler} that runs the plugin's
 * handler on the plugin's own threads and answers for it when it cannot. Thread-safe.
 *
 * <p>The router's worker that calls {@link #handle} waits for the plugin for at most the time limit;
 * the plugin's code itself runs on {@code egw-plugin-<id>-N} threads that this lane owns, so a call
 * that never returns holds one of the plugin's threads, not one of the gateway's. Answers the lane
 * gives itself, at once and without calling the plugin:
 * <ul>
 * <li>{@code BUSY} when the plugin already has {@code maxInFlight} calls running, or
 * {@code maxSlow} calls running for longer than {@code slowAfter}: a slow plugin can hold at most
 * {@code maxSlow} router workers, so other types keep being served;</li>
 * <li>{@code BUSY} once the lane is closed (the plugin stops, reloads or failed);</li>
 * <li>{@code HANDLER_FAILED} for an exception (its text is logged, never sent) or a call past the
 * time limit (the plugin's thread is interrupted).</li>
 * </ul>
 * After {@code breakerFailures} consecutive failures the lane closes and tells the host, which stops
 * the plugin and shows it as failed.
 */
final class PluginLane implements MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLane.class);
    private static final int PREVIEW = 256;

    private final String pluginId;
    private final Map<String, MessageHandler> handlers;
    private final PluginHostConfig config;
    private final PluginCounters counters;
    private final LongSupplier nanos;
    private final BiConsumer<PluginLane, String> onTrip;
    private final ThreadPoolExecutor threads;
    private final Set<Call> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final ConcurrentMap<String, Deque<RecentMessage>> recent = new ConcurrentHashMap<>();
    private volatile String closedReason = "";

    PluginLane(String pluginId, Map<String, MessageHandler> handlers, PluginHostConfig config, PluginCounters counters,
               LongSupplier nanos, BiConsumer<PluginLane, String> onTrip) {
        this.pluginId = pluginId;
        this.handlers = Map.copyOf(handlers);
        this.config = config;
        this.counters = counters;
        this.nanos = nanos;
        this.onTrip = onTrip;
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(config.maxInFlight(), config.maxInFlight(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "egw-plugin-" + pluginId + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.threads.allowCoreThreadTimeOut(true);
    }

    String pluginId() {
        return pluginId;
    }

    @Override
    public Set<String> types() {
        return handlers.keySet();
    }

    @Override
    public HandlerResult handle(HandlerMessage message) throws InterruptedException {
        HandlerResult result = call(message);
        remember(message, result);
        return result;
    }

    private HandlerResult call(HandlerMessage message) throws InterruptedException {
        if (!open.get()) {
            counters.host("busy");
            return HandlerResult.busy("plugin " + pluginId + " is not serving " + message.type() + " now, retry later");
        }
        MessageHandler handler = handlers.get(message.type());
        if (handler == null) {
            return HandlerResult.failed("plugin " + pluginId + " does not serve " + message.type());
        }
        if (inFlight.incrementAndGet() > config.maxInFlight()) {
            inFlight.decrementAndGet();
            counters.host("busy");
            return HandlerResult.busy("plugin " + pluginId + " is at capacity, retry later");
        }
        if (slowCalls() >= config.maxSlow()) {
            inFlight.decrementAndGet();
            counters.host("busy");
            return HandlerResult.busy("plugin " + pluginId + " is slow to answer, retry later");
        }
        Call call = new Call(nanos.getAsLong());
        running.add(call);
        Future<HandlerResult> future;
        try {
            future = threads.submit(() -> call.run(handler, message));
        } catch (RejectedExecutionException e) {
            call.finish();
            counters.host("busy");
            return HandlerResult.busy("plugin " + pluginId + " is stopping, retry later");
        }
        counters.host("calls");
        try {
            HandlerResult r = future.get(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                return failure("handler for " + message.type() + " returned no result", "returned null");
            }
            consecutiveFailures.set(0);
            return r;
        } catch (TimeoutException e) {
            cancel(future, call);
            counters.host("timeouts");
            return failure("handler for " + message.type() + " timed out after " + config.callTimeout().toMillis() + " ms",
                    "timed out");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            LOG.warn("plugin {}: handler for {} failed on a message from {}: {}", pluginId, message.type(),
                    message.clientName(), String.valueOf(cause));
            return failure("handler for " + message.type() + " failed", String.valueOf(cause));
        } catch (CancellationException e) {
            if (!call.started) {
                call.finish();
                counters.host("busy");
                return HandlerResult.busy("plugin " + pluginId + " stopped before handling the message, retry later");
            }
            return failure("handler for " + message.type() + " was stopped", "stopped");
        } catch (InterruptedException e) {
            cancel(future, call);
            throw e;
        }
    }

    private void cancel(Future<?> future, Call call) {
        future.cancel(true);
        if (!call.started) {
            call.finish();
        }
    }

    private HandlerResult failure(String detail, String why) {
        counters.host("failures");
        int n = consecutiveFailures.incrementAndGet();
        if (n >= config.breakerFailures()) {
            trip("circuit breaker opened after " + n + " consecutive failures, the last: " + why);
        }
        return HandlerResult.failed(detail);
    }

    /** Closes the lane because the plugin misbehaves, and tells the host once. */
    void trip(String reason) {
        if (close(reason)) {
            LOG.warn("plugin {}: {}", pluginId, reason);
            onTrip.accept(this, reason);
        }
    }

    /** Stops taking calls; true the first time. Calls running go on until they return or time out. */
    boolean close(String reason) {
        if (open.compareAndSet(true, false)) {
            closedReason = reason;
            threads.shutdown();
            return true;
        }
        return false;
    }

    boolean isOpen() {
        return open.get();
    }

    String closedReason() {
        return closedReason;
    }

    /**
     * Interrupts the plugin's threads and cancels the calls that had not started, whose callers then
     * answer BUSY: for a plugin the gateway takes out of service because it misbehaves.
     */
    void interruptAll() {
        for (Runnable queued : threads.shutdownNow()) {
            if (queued instanceof Future<?> f) {
                f.cancel(false);
            }
        }
    }

    int slowCalls() {
        long now = nanos.getAsLong();
        long limit = config.slowAfter().toNanos();
        int slow = 0;
        for (Call c : running) {
            if (now - c.startedAt > limit) {
                slow++;
            }
        }
        return slow;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** The calls running now, for the host's watchdog. */
    List<Call> running() {
        return new ArrayList<>(running);
    }

    /** The last messages of one client, oldest first. */
    List<RecentMessage> recent(String client) {
        Deque<RecentMessage> d = recent.get(client);
        if (d == null) {
            return List.of();
        }
        synchronized (d) {
            return List.copyOf(d);
        }
    }

    Set<String> recentClients() {
        return Set.copyOf(recent.keySet());
    }

    private void remember(HandlerMessage m, HandlerResult r) {
        int keep = config.recentPerClient();
        if (keep == 0) {
            return;
        }
        byte[] p = m.payload();
        String preview = new String(p, 0, Math.min(p.length, PREVIEW), StandardCharsets.UTF_8);
        String outcome = r.outcome() == HandlerResult.Outcome.ACK ? "ACK" : r.outcome().name();
        RecentMessage entry = new RecentMessage(m.clientName(), m.type(), m.receivedAt(), p.length, preview, outcome,
                r.detail());
        Deque<RecentMessage> d = recent.computeIfAbsent(m.clientName(), c -> new ArrayDeque<>());
        synchronized (d) {
            d.addLast(entry);
            while (d.size() > keep) {
                d.removeFirst();
            }
        }
    }

    /** One call of the plugin's handler. */
    final class Call {
        final long startedAt;
        volatile boolean started;
        volatile Thread thread;
        volatile long allocatedAtStart = -1;
        private final AtomicBoolean finished = new AtomicBoolean();

        Call(long startedAt) {
            this.startedAt = startedAt;
        }

        HandlerResult run(MessageHandler handler, HandlerMessage message) throws Exception {
            thread = Thread.currentThread();
            allocatedAtStart = allocatedBytes(thread);
            started = true;
            try {
                return handler.handle(message);
            } finally {
                finish();
            }
        }

        void finish() {
            if (finished.compareAndSet(false, true)) {
                thread = null;
                running.remove(this);
                inFlight.decrementAndGet();
            }
        }
    }

    /** Bytes {@code t} has allocated so far, or -1 where the JVM does not tell. */
    static long allocatedBytes(Thread t) {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled()) {
            return mx.getThreadAllocatedBytes(t.getId());
        }
        return -1;
    }
}
