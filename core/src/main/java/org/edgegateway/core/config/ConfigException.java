package org.edgegateway.core.config;

/** A configuration key with an unknown name or a bad value; the message names the key. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
