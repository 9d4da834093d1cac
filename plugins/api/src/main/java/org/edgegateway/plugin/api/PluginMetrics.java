package org.edgegateway.plugin.api;

/**
 * Monotonic counters of one plugin, published by the gateway next to its own metrics (labelled with
 * the plugin id). Thread-safe and cheap enough to call on every message.
 *
 * <p>Names are short ASCII tokens {@code [a-z0-9_]{1,64}}, e.g. {@code lines_written}; the gateway
 * refuses others with an {@link IllegalArgumentException} naming the name. A plugin uses a handful
 * of fixed names, never names built from message content: each name is kept for the life of the
 * plugin.
 */
public interface PluginMetrics {

    /** Adds one to the counter {@code name}. */
    default void increment(String name) {
        add(name, 1);
    }

    /** Adds {@code amount} (zero or more) to the counter {@code name}. */
    void add(String name, long amount);
}
