package org.edgegateway.core.plugins;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.edgegateway.plugin.api.PluginMetrics;

/**
 * The counters of one plugin: its own, and the host's ({@code host_*}: calls, failures, time-outs,
 * BUSY answers). Thread-safe.
 */
final class PluginCounters implements PluginMetrics {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,64}");
    private static final int MAX_NAMES = 256;

    private final String pluginId;
    private final ConcurrentMap<String, LongAdder> counters = new ConcurrentHashMap<>();

    PluginCounters(String pluginId) {
        this.pluginId = pluginId;
    }

    @Override
    public void add(String name, long amount) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("plugin " + pluginId + ": metric name is not [a-z0-9_]{1,64}: " + name);
        }
        if (amount < 0) {
            throw new IllegalArgumentException("plugin " + pluginId + ": metric " + name + " cannot go down by " + amount);
        }
        LongAdder a = counters.get(name);
        if (a == null) {
            if (counters.size() >= MAX_NAMES) {
                throw new IllegalArgumentException("plugin " + pluginId + " has " + MAX_NAMES + " metrics already: " + name);
            }
            a = counters.computeIfAbsent(name, n -> new LongAdder());
        }
        a.add(amount);
    }

    void host(String name) {
        counters.computeIfAbsent("host_" + name, n -> new LongAdder()).increment();
    }

    long get(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
