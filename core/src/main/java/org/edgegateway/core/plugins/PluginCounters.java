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
 * BUSY answers) carried over from the lanes of its earlier starts. Thread-safe. Cheap on every
 * message: a name is checked once, when its counter is created; after that an increment is a map
 * lookup and an add.
 */
final class PluginCounters implements PluginMetrics {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,64}");
    private static final int MAX_NAMES = 256;

    private final String pluginId;
    private final ConcurrentMap<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, Long> earlierLanes = new ConcurrentHashMap<>();

    PluginCounters(String pluginId) {
        this.pluginId = pluginId;
    }

    @Override
    public void add(String name, long amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("plugin " + pluginId + ": metric " + name + " cannot go down by " + amount);
        }
        LongAdder a = name == null ? null : counters.get(name);
        if (a == null) {
            a = create(name);
        }
        a.add(amount);
    }

    private LongAdder create(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.startsWith("host_")) {
            throw new IllegalArgumentException("plugin " + pluginId
                    + ": metric name is not [a-z0-9_]{1,64} (and not host_*): " + name);
        }
        if (counters.size() >= MAX_NAMES) {
            throw new IllegalArgumentException("plugin " + pluginId + " has " + MAX_NAMES + " metrics already: " + name);
        }
        return counters.computeIfAbsent(name, n -> new LongAdder());
    }

    /** Adds the host counters of a lane that is closing, so the totals survive restarts. */
    void absorb(Map<String, Long> laneCounters) {
        laneCounters.forEach((k, v) -> {
            if (!k.equals("host_stuck")) {
                earlierLanes.merge(k, v, Long::sum);
            }
        });
    }

    long get(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    /** The plugin's counters with the host's: those of earlier lanes plus {@code currentLane}. */
    Map<String, Long> snapshot(Map<String, Long> currentLane) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        out.putAll(earlierLanes);
        currentLane.forEach((k, v) -> out.merge(k, v, k.equals("host_stuck") ? (a, b) -> b : Long::sum));
        return out;
    }
}
