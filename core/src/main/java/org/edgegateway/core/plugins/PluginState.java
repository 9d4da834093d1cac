package org.edgegateway.core.plugins;

/** Where a plugin stands, as {@code plugins list} and the admin UI show it. */
public enum PluginState {
    /** Serving its types. */
    STARTED,
    /** Loaded and verified but not serving, by an admin's decision. */
    STOPPED,
    /** Stopped by the gateway: it failed to start, or its circuit breaker opened. The reason says which. */
    FAILED,
    /** Not loaded: unsigned, tampered, untrusted, an incompatible SPI version or a type another plugin owns. */
    REFUSED
}
