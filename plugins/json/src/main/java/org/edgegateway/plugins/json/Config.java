package org.edgegateway.plugins.json;

import java.util.Map;

/** Reads the plugin's settings, failing with a message that names the key and the value at fault. */
final class Config {
    private Config() {
    }

    static long positive(Map<String, String> config, String key, long def) {
        String text = config.get(key);
        if (text == null || text.isBlank()) {
            return def;
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("plugin setting " + key + " must be a whole number >= 0, got '" + text + "'");
        }
    }
}
