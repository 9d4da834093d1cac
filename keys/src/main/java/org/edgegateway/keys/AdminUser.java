package org.edgegateway.keys;

import java.time.Instant;

/**
 * An administrator account. The password hash is computed and checked by the caller;
 * {@link #toString()} does not show it.
 *
 * @param passwordChangedAt when the password was last set, or null if never changed since creation
 * @param disabledAt        when it was disabled (it cannot log in), or null while it is enabled
 * @param lastLoginAt       when it last logged in, or null if never
 */
public record AdminUser(String name, String passwordHash, AdminRole role, boolean mustChangePassword,
                        Instant createdAt, Instant passwordChangedAt, Instant disabledAt, Instant lastLoginAt) {

    /** Whether it may log in: not disabled. */
    public boolean enabled() {
        return disabledAt == null;
    }

    @Override
    public String toString() {
        return "AdminUser[name=" + name + ", passwordHash=<hidden>, role=" + role + ", mustChangePassword="
                + mustChangePassword + ", createdAt=" + createdAt + ", passwordChangedAt=" + passwordChangedAt
                + ", disabledAt=" + disabledAt + ", lastLoginAt=" + lastLoginAt + "]";
    }
}
