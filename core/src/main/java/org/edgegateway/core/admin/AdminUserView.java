package org.edgegateway.core.admin;

import java.time.Instant;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.AdminUser;

/**
 * An admin user as admins see it: never its password hash.
 *
 * @param passwordChangedAt when its password was last set (by itself or by a reset), or null
 * @param disabledAt        when it was disabled, or null while it may log in
 * @param lastLoginAt       when it last logged in, or null if never
 */
public record AdminUserView(String name, AdminRole role, boolean mustChangePassword, Instant createdAt,
                            Instant passwordChangedAt, Instant disabledAt, Instant lastLoginAt) {

    public static AdminUserView of(AdminUser u) {
        return new AdminUserView(u.name(), u.role(), u.mustChangePassword(), u.createdAt(), u.passwordChangedAt(),
                u.disabledAt(), u.lastLoginAt());
    }

    /** Whether it may log in. */
    public boolean enabled() {
        return disabledAt == null;
    }
}
