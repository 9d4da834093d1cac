package org.edgegateway.core.health;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's vital signs. Thread-safe: the threads that own the gateway's sockets (router, ZAP,
 * publisher, uplink) report here, the composition root listens for a death, and {@code /health}
 * reads {@link #view()}. One lock guards the parts; no listener or probe runs under it.
 *
 * <p><b>Liveness.</b> The gateway is live until an owner thread dies: a thread whose loop ends by a
 * failure while the gateway runs reports {@link #died}. A death is final: a process whose router,
 * ZAP handler, publisher or uplink is gone cannot repair itself, so the listeners
 * ({@link #onDeath}) stop it and the service manager starts a new one. A thread that ends because the
 * gateway stops, or a router thread that the watchdog replaced on purpose, reports nothing.
 *
 * <p><b>Readiness.</b> Live, not stopping, every part {@link #up} (parts that are {@link #off} do not
 * count) and every probe true. Probes (the key store, the plugins) run on the reading thread, at
 * most once per {@link #PROBE_INTERVAL_MILLIS} each; in between their last answer is reused, so a
 * monitor that polls {@code /health} without a token cannot load the key store.
 *
 * <p><b>Who wins.</b> The first death wins: it is the one {@link #death()} returns and the listeners
 * hear; a later one is only logged. A death against {@link #stopping()}: deaths reported after
 * stopping began are ignored (owner threads end during a graceful stop, and that stop must end with
 * exit code 0); a death reported before it counts.
 */
public final class Health {
    /** The ROUTER's owner, {@code egw-router}. */
    public static final String ROUTER = "router";
    /** The ZAP handler's owner, {@code egw-zap}. */
    public static final String ZAP = "zap";
    /** The topic publisher's owner, {@code egw-pubsub}. */
    public static final String PUBLISHER = "publisher";
    /** The key store (a probe). */
    public static final String KEY_STORE = "keyStore";
    /** The plugin host (a probe). */
    public static final String PLUGINS = "plugins";
    /** The enrolment port's owner, {@code egw-enrol} (off unless {@code enrol.enabled}). */
    public static final String ENROL = "enrol";
    /** The uplink's owner, {@code egw-uplink}: reported only when it dies (not a readiness check). */
    public static final String UPLINK = "uplink";

    /** Probes run at most this often; their last answer is reused in between. */
    public static final long PROBE_INTERVAL_MILLIS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(Health.class);

    /** The state of one part, as {@code /health} shows it. */
    public enum State {
        STARTING, UP, DOWN, OFF;

        /** The word shown for it. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * An owner thread that died.
     *
     * @param part   which part ({@link #ROUTER}, {@link #ZAP}, ...)
     * @param thread the name of the thread that died
     * @param cause  why, as thrown; may be null when the thread could not say
     */
    public record Death(String part, String thread, Throwable cause, Instant at) {
        /** One line for a log or a console: part, thread and cause. */
        public String describe() {
            String why;
            try {
                why = cause == null ? "" : ": " + cause;
            } catch (Throwable e) {
                // The cause came from code that may not even describe itself.
                why = ": " + cause.getClass().getName();
            }
            return part + " (thread " + thread + ") died" + why;
        }
    }

    /**
     * What {@code /health} answers: whether the process is live and ready, and one word per part
     * ({@code up}, {@code down}, {@code starting}, {@code off}). Nothing else: no version, no counts.
     */
    public record View(boolean live, boolean ready, Map<String, String> checks) {
        public View {
            checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
        }
    }

    private final Clock clock;
    private final Map<String, Part> parts = new LinkedHashMap<>();
    private final AtomicReference<Death> death = new AtomicReference<>();
    private final List<Consumer<Death>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;

    public Health(Clock clock) {
        this.clock = clock;
    }

    /** One part: its reported state, or its probe with the last answer. Guarded by the lock. */
    private static final class Part {
        State state = State.STARTING;
        BooleanSupplier probe;
        boolean lastAnswer;
        long probedAt = Long.MIN_VALUE;
    }

    /** {@code part} exists and is not serving yet; readiness waits for its {@link #up}. */
    public synchronized void starting(String part) {
        parts.computeIfAbsent(part, p -> new Part()).state = State.STARTING;
    }

    /** {@code part}'s owner thread serves. A dead part stays down. */
    public synchronized void up(String part) {
        Part p = parts.computeIfAbsent(part, x -> new Part());
        if (p.state != State.DOWN) {
            p.state = State.UP;
        }
    }

    /** {@code part} is not configured on this gateway; it does not count for readiness. */
    public synchronized void off(String part) {
        parts.computeIfAbsent(part, x -> new Part()).state = State.OFF;
    }

    /**
     * {@code part} is up while {@code probe} answers true. The probe runs on the thread that reads the
     * view, at most once a second, outside the lock; an exception counts as false. It must be quick.
     */
    public synchronized void probe(String part, BooleanSupplier probe) {
        Part p = parts.computeIfAbsent(part, x -> new Part());
        p.probe = probe;
        p.state = State.UP;
    }

    /**
     * The owner thread of {@code part} died while the gateway runs. The first death is kept and told
     * to every listener, on this thread, one after the other; a listener that fails is logged and
     * the next one still runs. Never throws.
     */
    public void died(String part, Throwable cause) {
        Death d = new Death(part, Thread.currentThread().getName(), cause, clock.instant());
        synchronized (this) {
            parts.computeIfAbsent(part, x -> new Part()).state = State.DOWN;
        }
        if (stopping) {
            quietly(() -> LOG.warn("health: {} while the gateway stops; ignored", d.describe()));
            return;
        }
        if (!death.compareAndSet(null, d)) {
            quietly(() -> LOG.error("health: {} after {}", d.describe(), death.get().describe()));
            return;
        }
        quietly(() -> LOG.error("health: {}; the gateway cannot serve without it and must be restarted",
                d.describe(), cause));
        for (Consumer<Death> l : listeners) {
            tell(l, d);
        }
    }

    /**
     * Tells {@code listener} of the first death: at once (on this thread) if there was one already,
     * else later on the dying thread. Listeners must not block for long.
     */
    public void onDeath(Consumer<Death> listener) {
        listeners.add(listener);
        Death d = death.get();
        if (d != null) {
            tell(listener, d);
        }
    }

    /** The gateway is stopping: not ready from now on, and deaths reported from now on are ignored. */
    public void stopping() {
        stopping = true;
    }

    /** The first owner thread that died, if one did. */
    public Optional<Death> death() {
        return Optional.ofNullable(death.get());
    }

    /** Live while no owner thread has died. */
    public boolean live() {
        return death.get() == null;
    }

    /** The state of every part, running due probes on this thread (outside the lock). */
    public View view() {
        Map<String, Part> snapshot;
        synchronized (this) {
            snapshot = new LinkedHashMap<>(parts);
        }
        long now = clock.millis();
        Map<String, String> checks = new LinkedHashMap<>();
        boolean ready = live() && !stopping;
        for (Map.Entry<String, Part> e : snapshot.entrySet()) {
            State s = state(e.getValue(), now);
            checks.put(e.getKey(), s.word());
            if (s == State.STARTING || s == State.DOWN) {
                ready = false;
            }
        }
        return new View(live(), ready, checks);
    }

    private State state(Part p, long now) {
        BooleanSupplier probe;
        synchronized (this) {
            if (p.state != State.UP || p.probe == null) {
                return p.state;
            }
            if (now - p.probedAt < PROBE_INTERVAL_MILLIS && p.probedAt != Long.MIN_VALUE) {
                return p.lastAnswer ? State.UP : State.DOWN;
            }
            probe = p.probe;
        }
        boolean answer;
        try {
            answer = probe.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.debug("health: a probe failed: {}", e.toString());
            answer = false;
        }
        synchronized (this) {
            p.lastAnswer = answer;
            p.probedAt = now;
        }
        return answer ? State.UP : State.DOWN;
    }

    private static void tell(Consumer<Death> listener, Death d) {
        try {
            listener.accept(d);
        } catch (Throwable e) {
            quietly(() -> LOG.error("health: a listener of the death of {} failed", d.part(), e));
        }
    }

    /** Runs {@code r} (a log call), swallowing whatever it throws: reporting a death must not fail. */
    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (Throwable ignored) {
            // Nothing left to tell it to.
        }
    }
}
