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

/**
 * How the plugin host runs. Immutable, checked in the constructor.
 *
 * @param bundled           the bundle's own plugins folder (built-ins), or null
 * @param installed         {@code HOME/plugins}: third-party plugins
 * @param staging           where verified copies are expanded and loaded from; emptied at start
 * @param dataRoot          {@code HOME/data}: each plugin gets {@code dataRoot/<id>}
 * @param configFolder      {@code HOME/conf/plugins}: each plugin's {@code <id>.properties}
 * @param publishers        {@code HOME/keys/publishers}: trusted publisher keys
 * @param allowUnsigned     load plugins without a valid trusted signature (logged loudly)
 * @param callTimeout       time limit of one handler call
 * @param maxInFlight       calls one plugin may have running; more get BUSY at once
 * @param maxSlow           calls one plugin may have running past {@code slowAfter}; more get BUSY at once
 * @param slowAfter         when a running call counts as slow
 * @param breakerFailures   consecutive failures (exceptions, time-outs) that stop a plugin as failed
 * @param recentPerClient   messages per client and plugin kept in memory for the admin UI
 * @param maxCallAllocation bytes one call may allocate before the plugin is failed and the call stopped
 * @param typeOwners        which plugin id wins a type two plugins claim
 */
public record PluginHostConfig(Path bundled, Path installed, Path staging, Path dataRoot, Path configFolder,
                               Path publishers, boolean allowUnsigned, Duration callTimeout, int maxInFlight,
                               int maxSlow, Duration slowAfter, int breakerFailures, int recentPerClient,
                               long maxCallAllocation, Map<String, String> typeOwners) {

    public static final Setting<Boolean> ALLOW_UNSIGNED = Settings.bool("plugins.allow-unsigned", "false",
            "Load plugins that are unsigned or signed by an untrusted key (never on a production gateway)");
    public static final Setting<Duration> TIMEOUT = Settings.duration("plugins.timeout", "2s",
            "Time limit of one plugin call; past it the client gets HANDLER_FAILED");
    public static final Setting<Integer> MAX_IN_FLIGHT = Settings.integer("plugins.max-in-flight", "16", 1, 1024,
            "Calls one plugin may have running at once; more get ERROR BUSY at once");
    public static final Setting<Integer> MAX_SLOW = Settings.integer("plugins.max-slow", "2", 1, 1024,
            "Calls one plugin may have running past plugins.slow-call; more get ERROR BUSY at once. "
                    + "Keep it below handlers.workers so a slow plugin cannot hold every worker");
    public static final Setting<Duration> SLOW_CALL = Settings.duration("plugins.slow-call", "250ms",
            "A plugin call running longer than this counts as slow");
    public static final Setting<Integer> BREAKER_FAILURES = Settings.integer("plugins.breaker-failures", "5", 1, 1_000_000,
            "Consecutive failures (exceptions, time-outs) after which a plugin is stopped and shown as failed");
    public static final Setting<Integer> RECENT = Settings.integer("plugins.recent-messages", "20", 0, 10_000,
            "Messages per client and plugin kept in memory for the admin UI");
    public static final Setting<Long> MAX_CALL_ALLOCATION = new Setting<>("plugins.max-call-allocation", "256MiB",
            "Bytes one plugin call may allocate before the plugin is failed and the call stopped", Settings::bytes);
    public static final Setting<String> TYPE_OWNERS = Settings.text("plugins.type-owners", "",
            "Which plugin wins a type claimed by two, e.g. CSV=acme-csv,JSON=json; otherwise the second is refused");

    /** The keys of the plugin host, for the composition root to add to the known settings. */
    public static final List<Setting<?>> SETTINGS = List.of(ALLOW_UNSIGNED, TIMEOUT, MAX_IN_FLIGHT, MAX_SLOW,
            SLOW_CALL, BREAKER_FAILURES, RECENT, MAX_CALL_ALLOCATION, TYPE_OWNERS);

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
        if (maxInFlight < 1) {
            throw new ConfigException(MAX_IN_FLIGHT.key(), MAX_IN_FLIGHT.key() + " < 1: " + maxInFlight);
        }
        if (maxSlow < 1 || maxSlow > maxInFlight) {
            throw new ConfigException(MAX_SLOW.key(), MAX_SLOW.key() + " must be 1.." + maxInFlight + ", got " + maxSlow);
        }
        if (breakerFailures < 1) {
            throw new ConfigException(BREAKER_FAILURES.key(), BREAKER_FAILURES.key() + " < 1: " + breakerFailures);
        }
        if (recentPerClient < 0) {
            throw new ConfigException(RECENT.key(), RECENT.key() + " < 0: " + recentPerClient);
        }
        if (maxCallAllocation < 1) {
            throw new ConfigException(MAX_CALL_ALLOCATION.key(), MAX_CALL_ALLOCATION.key() + " < 1: " + maxCallAllocation);
        }
        typeOwners = Map.copyOf(typeOwners == null ? Map.of() : typeOwners);
    }

    /** The defaults for a gateway home, with the bundle's plugins folder (may be null). */
    public static PluginHostConfig defaults(GatewayHome home, Path bundled) {
        return from(Settings.of(SETTINGS, Map.of()), home, bundled);
    }

    /** From settings that include {@link #SETTINGS}. */
    public static PluginHostConfig from(Settings s, GatewayHome home, Path bundled) {
        return new PluginHostConfig(bundled, home.plugins(), home.run().resolve("plugins"), home.data(),
                home.conf().resolve("plugins"), home.keys().resolve("publishers"), s.get(ALLOW_UNSIGNED),
                s.get(TIMEOUT), s.get(MAX_IN_FLIGHT), s.get(MAX_SLOW), s.get(SLOW_CALL), s.get(BREAKER_FAILURES),
                s.get(RECENT), s.get(MAX_CALL_ALLOCATION), owners(s.get(TYPE_OWNERS)));
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
        return new PluginHostConfig(bundled, installed, staging, dataRoot, configFolder, publishers, allow, callTimeout,
                maxInFlight, maxSlow, slowAfter, breakerFailures, recentPerClient, maxCallAllocation, typeOwners);
    }

    public PluginHostConfig withLimits(Duration timeout, int inFlight, int slow, Duration slowCall, int failures,
                                       long allocation) {
        return new PluginHostConfig(bundled, installed, staging, dataRoot, configFolder, publishers, allowUnsigned,
                timeout, inFlight, slow, slowCall, failures, recentPerClient, allocation, typeOwners);
    }

    public PluginHostConfig withTypeOwners(Map<String, String> owners) {
        return new PluginHostConfig(bundled, installed, staging, dataRoot, configFolder, publishers, allowUnsigned,
                callTimeout, maxInFlight, maxSlow, slowAfter, breakerFailures, recentPerClient, maxCallAllocation, owners);
    }
}
