package org.edgegateway.core.plugins;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.config.ConfigException;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.config.Setting;
import org.edgegateway.core.config.Settings;
import org.edgegateway.core.router.LaneLimits;

/**
 * How the plugin host runs. Immutable, checked in the constructor.
 *
 * @param bundled           the bundle's own plugins folder (built-ins), or null
 * @param installed         {@code HOME/plugins}: third-party plugins
 * @param staging           where verified copies are expanded and loaded from; emptied at start
 * @param dataRoot          {@code HOME/data/plugins}: each plugin gets {@code dataRoot/<id>}
 * @param configFolder      {@code HOME/conf/plugins}: each plugin's {@code <id>.properties}
 * @param publishers        {@code HOME/keys/publishers}: the publisher keys the admin trusts
 * @param bundlePublishers  the bundle's own publisher keys ({@code BASE/conf/publishers}), trusted for the
 *                          plugins of {@code bundled} only and never copied into the home; or null
 * @param allowUnsigned     load plugins without a valid trusted signature (logged loudly)
 * @param callTimeout       time limit of one handler call, from the message's arrival
 * @param maxInFlight       calls of one plugin that run at once on its threads; more wait in its queue
 * @param maxSlow           calls of one plugin still running past the time limit (their clients already
 *                          answered) before the plugin is stopped as failed
 * @param slowAfter         a call running longer than this is counted as slow ({@code host_slow})
 * @param breakerFailures   consecutive failures (exceptions, time-outs) that stop a plugin as failed
 * @param queueBytes        payload bytes of one plugin's calls waiting or running; more get BUSY
 * @param maxCallAllocation bytes one plugin's running calls may allocate together before the plugin is
 *                          failed and the calls stopped
 * @param inlineBudget      how long a call of a handler declared non-blocking may hold the message thread
 *                          before the plugin's calls move to its own threads
 * @param typeOwners        which plugin id wins a type two plugins claim
 * @param legacyDataRoot    where earlier versions kept the built-in plugins' data ({@code HOME/data}:
 *                          {@code HOME/data/<id>}), moved into {@code dataRoot} at start; null: nothing to move
 */
public record PluginHostConfig(Path bundled, Path installed, Path staging, Path dataRoot, Path configFolder,
                               Path publishers, Path bundlePublishers, boolean allowUnsigned, Duration callTimeout, int maxInFlight,
                               int maxSlow, Duration slowAfter, int breakerFailures, long queueBytes,
                               long maxCallAllocation, Duration inlineBudget, Map<String, String> typeOwners,
                               Path legacyDataRoot) {

    public static final Setting<Boolean> ALLOW_UNSIGNED = Settings.bool("plugins.allow-unsigned", "false",
            "Load plugins that are unsigned or signed by an untrusted key (never on a production gateway)");
    public static final Setting<Duration> TIMEOUT = Settings.duration("plugins.timeout", "2s",
            "Time limit of one plugin call, from the message's arrival; past it the client gets HANDLER_FAILED"
                    + " (or BUSY if the call had not started)");
    public static final Setting<Integer> MAX_IN_FLIGHT = Settings.integer("plugins.max-in-flight", "16", 1, 1024,
            "Calls of one plugin that run at once on its own threads; more wait in its queue (plugins.queue-bytes)");
    public static final Setting<Integer> MAX_SLOW = Settings.integer("plugins.max-slow", "2", 1, 1024,
            "Calls of one plugin still running past plugins.timeout (their clients already answered) before the"
                    + " plugin is stopped as failed");
    public static final Setting<Duration> SLOW_CALL = Settings.duration("plugins.slow-call", "250ms",
            "A plugin call running longer than this is counted as slow (host_slow)");
    public static final Setting<Integer> BREAKER_FAILURES = Settings.integer("plugins.breaker-failures", "5", 1, 1_000_000,
            "Consecutive failures (exceptions, time-outs) after which a plugin is stopped and shown as failed");
    public static final Setting<Long> QUEUE_BYTES = new Setting<>("plugins.queue-bytes", "16MiB",
            "Payload bytes of one plugin's calls waiting or running; more get ERROR BUSY", Settings::bytes);
    public static final Setting<Long> MAX_CALL_ALLOCATION = new Setting<>("plugins.max-call-allocation", "64MiB",
            "Bytes one plugin's running calls may allocate together before the plugin is failed and the calls stopped",
            Settings::bytes);
    public static final Setting<Duration> INLINE_BUDGET = Settings.duration("plugins.inline-budget", "50ms",
            "How long a call of a handler declared non-blocking may hold the message thread before the plugin's"
                    + " calls move to its own threads");
    public static final Setting<String> TYPE_OWNERS = Settings.text("plugins.type-owners", "",
            "Which plugin wins a type claimed by two, e.g. CSV=acme-csv,JSON=json; otherwise the second is refused");

    /** The keys of the plugin host, for the composition root to add to the known settings. */
    public static final List<Setting<?>> SETTINGS = List.of(ALLOW_UNSIGNED, TIMEOUT, MAX_IN_FLIGHT, MAX_SLOW,
            SLOW_CALL, BREAKER_FAILURES, QUEUE_BYTES, MAX_CALL_ALLOCATION, INLINE_BUDGET, TYPE_OWNERS);

    public PluginHostConfig {
        if (installed == null || staging == null || dataRoot == null || configFolder == null || publishers == null) {
            throw new IllegalArgumentException("plugin folders are required");
        }
        if (callTimeout == null || callTimeout.isZero() || callTimeout.isNegative()) {
            throw new ConfigException(TIMEOUT.key(), TIMEOUT.key() + " must be a positive duration, got " + callTimeout);
        }
        if (slowAfter == null || slowAfter.isNegative()) {
            throw new ConfigException(SLOW_CALL.key(), SLOW_CALL.key() + " must not be negative, got " + slowAfter);
        }
        if (inlineBudget == null || inlineBudget.isZero() || inlineBudget.isNegative()) {
            throw new ConfigException(INLINE_BUDGET.key(), INLINE_BUDGET.key() + " must be a positive duration, got "
                    + inlineBudget);
        }
        if (maxInFlight < 1) {
            throw new ConfigException(MAX_IN_FLIGHT.key(), MAX_IN_FLIGHT.key() + " < 1: " + maxInFlight);
        }
        if (maxSlow < 1) {
            throw new ConfigException(MAX_SLOW.key(), MAX_SLOW.key() + " < 1: " + maxSlow);
        }
        if (breakerFailures < 1) {
            throw new ConfigException(BREAKER_FAILURES.key(), BREAKER_FAILURES.key() + " < 1: " + breakerFailures);
        }
        if (queueBytes < 1) {
            throw new ConfigException(QUEUE_BYTES.key(), QUEUE_BYTES.key() + " < 1: " + queueBytes);
        }
        if (maxCallAllocation < 1) {
            throw new ConfigException(MAX_CALL_ALLOCATION.key(), MAX_CALL_ALLOCATION.key() + " < 1: " + maxCallAllocation);
        }
        typeOwners = Map.copyOf(typeOwners == null ? Map.of() : typeOwners);
    }

    /** The limits of each plugin's lane. */
    public LaneLimits laneLimits() {
        return new LaneLimits(callTimeout, maxInFlight, maxSlow, slowAfter, breakerFailures, queueBytes,
                maxCallAllocation, inlineBudget);
    }

    /** The defaults for a gateway home, with the bundle's plugins folder (may be null). */
    public static PluginHostConfig defaults(GatewayHome home, Path bundled) {
        return from(Settings.of(SETTINGS, Map.of()), home, bundled, null);
    }

    /** The defaults, with the bundle's plugins and the publisher keys that signed them (either may be null). */
    public static PluginHostConfig defaults(GatewayHome home, Path bundled, Path bundlePublishers) {
        return from(Settings.of(SETTINGS, Map.of()), home, bundled, bundlePublishers);
    }

    /**
     * From settings that include {@link #SETTINGS}, with the bundle's plugins folder and the folder of
     * the publisher keys that signed them (either may be null).
     */
    public static PluginHostConfig from(Settings s, GatewayHome home, Path bundled, Path bundlePublishers) {
        return new PluginHostConfig(bundled, home.plugins(), home.run().resolve("plugins"),
                home.data().resolve("plugins"), home.conf().resolve("plugins"), home.keys().resolve("publishers"),
                bundlePublishers, s.get(ALLOW_UNSIGNED), s.get(TIMEOUT), s.get(MAX_IN_FLIGHT), s.get(MAX_SLOW),
                s.get(SLOW_CALL), s.get(BREAKER_FAILURES), s.get(QUEUE_BYTES), s.get(MAX_CALL_ALLOCATION),
                s.get(INLINE_BUDGET), owners(s.get(TYPE_OWNERS)), home.data());
    }

    static Map<String, String> owners(String text) {
        Map<String, String> owners = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return owners;
        }
        for (String pair : text.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new ConfigException(TYPE_OWNERS.key(), TYPE_OWNERS.key() + " must be TYPE=PLUGIN_ID,..., got '" + pair + "'");
            }
            owners.put(kv[0].trim(), kv[1].trim());
        }
        return owners;
    }

    public PluginHostConfig withAllowUnsigned(boolean allow) {
        return new PluginHostConfig(bundled, installed, staging, dataRoot, configFolder, publishers, bundlePublishers,
                allow, callTimeout, maxInFlight, maxSlow, slowAfter, breakerFailures, queueBytes, maxCallAllocation,
                inlineBudget, typeOwners, legacyDataRoot);
    }

    public PluginHostConfig withLimits(Duration timeout, int inFlight, int slow, Duration slowCall, int failures,
                                       long allocation) {
        return new PluginHostConfig(bundled, installed, staging, dataRoot, configFolder, publishers, bundlePublishers,
                allowUnsigned, timeout, inFlight, slow, slowCall, failures, queueBytes, allocation, inlineBudget,
                typeOwners, legacyDataRoot);
    }

    public PluginHostConfig withQueueBytes(long bytes) {
        return new PluginHostConfig(bundled, installed, staging, dataRoot, configFolder, publishers, bundlePublishers, allowUnsigned,
                callTimeout, maxInFlight, maxSlow, slowAfter, breakerFailures, bytes, maxCallAllocation, inlineBudget,
                typeOwners, legacyDataRoot);
    }

    public PluginHostConfig withInlineBudget(Duration budget) {
        return new PluginHostConfig(bundled, installed, staging, dataRoot, configFolder, publishers, bundlePublishers, allowUnsigned,
                callTimeout, maxInFlight, maxSlow, slowAfter, breakerFailures, queueBytes, maxCallAllocation, budget,
                typeOwners, legacyDataRoot);
    }

    public PluginHostConfig withTypeOwners(Map<String, String> owners) {
        return new PluginHostConfig(bundled, installed, staging, dataRoot, configFolder, publishers, bundlePublishers, allowUnsigned,
                callTimeout, maxInFlight, maxSlow, slowAfter, breakerFailures, queueBytes, maxCallAllocation,
                inlineBudget, owners, legacyDataRoot);
    }
}
