package org.edgegateway.core.admin;

/**
 * Who asked for an admin change, as written to the audit log.
 *
 * @param name   the admin user, token name or {@code cli:<os user>}
 * @param source where the request came from: an IP address, {@code local} for the control channel
 */
public record Actor(String name, String source) {
    public Actor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("actor name is required");
        }
        source = source == null || source.isBlank() ? "unknown" : source;
    }
}
