package org.edgegateway.core.config;

import java.util.function.Function;

/**
 * One configuration key: its name, default, documentation and how its text is parsed and checked.
 * Immutable.
 *
 * @param key         the property name, e.g. {@code gateway.endpoint}
 * @param defaultText the default as it would be written in the file ({@code null}: no default, may be unset)
 * @param description one line for the documented default file
 * @param parser      turns the text into a value or throws IllegalArgumentException saying why
 */
public record Setting<T>(String key, String defaultText, String description, Function<String, T> parser) {

    /** The environment variable that overrides this key: {@code EGW_} + the key upper-cased, dots and dashes as underscores. */
    public String environmentVariable() {
        return environmentVariable(key);
    }

    public static String environmentVariable(String key) {
        return "EGW_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
