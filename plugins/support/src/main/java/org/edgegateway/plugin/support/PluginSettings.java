package org.edgegateway.plugin.support;

import java.util.Map;

/**
 * Reads a plugin's settings ({@code PluginContext.config()}), failing with a message that names the
 * key and the value at fault, which the gateway shows as the reason the plugin failed to start.
 */
public final class PluginSettings {
    private PluginSettings() {
    }

    /** A whole number of at least 0, or {@code fallback} when the key is absent or blank. */
    public static long wholeNumber(Map<String, String> config, String key, long fallback) {
        String text = config.get(key);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("plugin setting " + key + " must be a whole number >= 0, got '" + text + "'");
    }
}
