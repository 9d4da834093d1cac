package org.edgegateway.keys;

import java.time.Instant;

/**
 * An administrator account. The password hash is computed and checked by the caller;
 * {@link #toString()} does not show it.
 *
 * @param passwordChangedAt when the password was last set, or null if never changed since creation
 */
public record AdminUser(String name, String passwordHash, boolean mustChangePassword,
                        Instant createdAt, Instant passwordChangedAt) {

    @Override
    public String toString() {
        return "AdminUser[name=" + name + ", passwordHash=<hidden>, mustChangePassword="
                + mustChangePassword + ", createdAt=" + createdAt
                + ", passwordChangedAt=" + passwordChangedAt + "]";
    }
}
