package org.edgegateway.core.workers;

import java.time.Duration;
import java.util.List;
import org.edgegateway.core.config.ConfigException;
import org.edgegateway.core.config.Setting;
import org.edgegateway.core.config.Settings;

/**
 * How the worker backend runs. Immutable, checked in the constructor.
 *
 * @param endpoint          the workers' CURVE ROUTER, {@code tcp://host:port}
 * @param heartbeatInterval HEARTBEAT both ways this often; three missed and the other side is dead
 * @param maxInFlight       requests one classic worker holds at once (its credit)
 * @param batchedMaxInFlight the largest window of a batched worker (requests it holds at once; the window adapts
 *                          to how fast it answers); its frames hold a quarter of it
 * @param queueBytes        payload bytes of one type's requests waiting or running; more get BUSY
 * @param timeout           time limit of a request, from the message's arrival
 * @param allowPluginTypes  whether a worker may serve a type a plugin serves (the plugin keeps it)
 */
public record WorkerConfig(String endpoint, Duration heartbeatInterval, int maxInFlight, int batchedMaxInFlight,
                           long queueBytes, Duration timeout, boolean allowPluginTypes) {

    public static final Setting<Boolean> ENABLED = Settings.bool("workers.enabled", "true",
            "Serve message types with external workers that connect over CURVE to workers.endpoint");
    public static final Setting<String> ENDPOINT = Settings.text("workers.endpoint", "tcp://*:5559",
            "CURVE ROUTER the workers connect to (worker keys only; client keys are refused)");
    public static final Setting<Duration> HEARTBEAT = Settings.duration("workers.heartbeat-interval", "2500ms",
            "HEARTBEAT to and from each worker this often; three missed and the worker is dead");
    public static final Setting<Integer> MAX_IN_FLIGHT = Settings.integer("workers.max-in-flight", "16", 1, 100_000,
            "Requests one worker holds at once (a batched worker: workers.batched-max-in-flight)");
    public static final Setting<Integer> BATCHED_MAX_IN_FLIGHT = Settings.integer("workers.batched-max-in-flight", "128",
            1, 100_000, "Largest window of a batched worker: requests it holds at once, from workers.max-in-flight"
                    + " up as long as it answers within a quarter of workers.timeout; its BATCH frames hold a"
                    + " quarter of it each");
    public static final Setting<Long> QUEUE_BYTES = new Setting<>("workers.queue-bytes", "16MiB",
            "Payload bytes of one type's requests waiting for or inside workers; more get ERROR BUSY", Settings::bytes);
    public static final Setting<Duration> TIMEOUT = Settings.duration("workers.timeout", "2s",
            "Time limit of a request to a worker, from the message's arrival; past it the client gets HANDLER_FAILED");
    public static final Setting<Boolean> ALLOW_PLUGIN_TYPES = Settings.bool("workers.allow-plugin-types", "false",
            "Let a worker announce a type a plugin serves (the plugin keeps serving it while it runs)");

    /** The keys of the worker backend, for the composition root to add to the known settings. */
    public static final List<Setting<?>> SETTINGS = List.of(ENABLED, ENDPOINT, HEARTBEAT, MAX_IN_FLIGHT,
            BATCHED_MAX_IN_FLIGHT, QUEUE_BYTES, TIMEOUT, ALLOW_PLUGIN_TYPES);

    public WorkerConfig {
        if (endpoint == null || !endpoint.startsWith("tcp://") || endpoint.lastIndexOf(':') <= 5) {
            throw new ConfigException(ENDPOINT.key(), ENDPOINT.key() + " must be tcp://HOST:PORT, got " + endpoint);
        }
        if (heartbeatInterval == null || heartbeatInterval.toMillis() < 10) {
            throw new ConfigException(HEARTBEAT.key(), HEARTBEAT.key() + " must be at least 10ms, got " + heartbeatInterval);
        }
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new ConfigException(TIMEOUT.key(), TIMEOUT.key() + " must be a positive duration, got " + timeout);
        }
        if (maxInFlight < 1) {
            throw new ConfigException(MAX_IN_FLIGHT.key(), MAX_IN_FLIGHT.key() + " < 1: " + maxInFlight);
        }
        if (batchedMaxInFlight < 1) {
            throw new ConfigException(BATCHED_MAX_IN_FLIGHT.key(),
                    BATCHED_MAX_IN_FLIGHT.key() + " < 1: " + batchedMaxInFlight);
        }
        if (queueBytes < 1) {
            throw new ConfigException(QUEUE_BYTES.key(), QUEUE_BYTES.key() + " < 1: " + queueBytes);
        }
    }

    public static WorkerConfig from(Settings s) {
        return new WorkerConfig(s.get(ENDPOINT), s.get(HEARTBEAT), s.get(MAX_IN_FLIGHT),
                s.get(BATCHED_MAX_IN_FLIGHT), s.get(QUEUE_BYTES),
                s.get(TIMEOUT), s.get(ALLOW_PLUGIN_TYPES));
    }

    /** The defaults, bound to {@code endpoint}. */
    public static WorkerConfig defaults(String endpoint) {
        return new WorkerConfig(endpoint, Duration.ofMillis(2500), 16, 128, 16L << 20, Duration.ofSeconds(2), false);
    }

    public WorkerConfig withHeartbeat(Duration interval) {
        return new WorkerConfig(endpoint, interval, maxInFlight, batchedMaxInFlight, queueBytes, timeout, allowPluginTypes);
    }

    public WorkerConfig withTimeout(Duration t) {
        return new WorkerConfig(endpoint, heartbeatInterval, maxInFlight, batchedMaxInFlight, queueBytes, t, allowPluginTypes);
    }
}
