package org.edgegateway.core.workers;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.edgegateway.core.router.Lane;
import org.edgegateway.core.router.LaneLimits;
import org.edgegateway.core.router.Route;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the types some worker serves now, each on a remote {@link Lane} of its own (bounds,
 * deadline and breaker per type, as for a plugin) whose dispatcher hands the calls to the workers.
 * Thread-safe: {@link #publish} runs on the router thread, which alone writes; any thread reads the
 * routes and their version (volatile, replaced whole) and may {@link #close} the lanes.
 */
final class WorkerRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerRoutes.class);

    /** The handler of a worker route: never called, a remote lane's dispatcher takes its calls. */
    private static final MessageHandler NOT_CALLED = new MessageHandler() {
        @Override
        public Set<String> types() {
            return Set.of();
        }

        @Override
        public HandlerResult handle(HandlerMessage message) {
            throw new IllegalStateException("a worker type's calls go to its workers");
        }
    };

    private final WorkerConfig config;
    private final Lane.Dispatcher dispatcher;
    private final AtomicLong version = new AtomicLong();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private volatile Map<String, Route> routes = Map.of();

    /** @param dispatcher takes the calls of every worker type's lane, on the router thread */
    WorkerRoutes(WorkerConfig config, Lane.Dispatcher dispatcher) {
        this.config = config;
        this.dispatcher = dispatcher;
    }

    Route route(String type) {
        return routes.get(type);
    }

    Set<String> types() {
        return routes.keySet();
    }

    long version() {
        return version.get();
    }

    /** Router thread: the types served are {@code served} now; the version moves when the set changed. */
    void publish(Set<String> served) {
        Map<String, Route> next = new HashMap<>();
        for (String type : served) {
            Route existing = routes.get(type);
            next.put(type, existing != null ? existing : new Route(lane(type), NOT_CALLED, false));
        }
        if (!next.keySet().equals(routes.keySet())) {
            routes = Map.copyOf(next);
            version.incrementAndGet();
        }
    }

    /** Closes every lane: it takes no more calls (see {@link Lane#close}). */
    void close(String why) {
        for (Lane l : lanes.values()) {
            l.close(why);
        }
    }

    private Lane lane(String type) {
        return lanes.computeIfAbsent(type, t -> Lane.remote("worker-" + t, "the workers of " + t,
                new LaneLimits(config.timeout(), 1_000_000, 1, Duration.ofMillis(250), 1_000_000,
                        config.queueBytes(), Long.MAX_VALUE, Duration.ofMillis(50)),
                (l, why) -> LOG.warn("workers: {}: {}", l.name(), why), dispatcher));
    }
}
