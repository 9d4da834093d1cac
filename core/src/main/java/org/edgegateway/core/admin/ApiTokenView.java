package org.edgegateway.core.admin;

import java.time.Instant;
import org.edgegateway.keys.ApiToken;
import org.edgegateway.keys.TokenScope;

/**
 * An API token as admins see it: never the token or its hash.
 *
 * @param lastUsedAt when it last authenticated a request (written at most once a minute), or null
 * @param expiresAt  when it stops working, or null for never
 * @param revokedAt  when it was revoked, or null
 */
public record ApiTokenView(String name, TokenScope scope, Instant createdAt, String createdBy, Instant lastUsedAt,
                           Instant expiresAt, Instant revokedAt) {

    public static ApiTokenView of(ApiToken t) {
        return new ApiTokenView(t.name(), t.scope(), t.createdAt(), t.createdBy(), t.lastUsedAt(), t.expiresAt(),
                t.revokedAt());
    }

    /** Whether it authenticates requests at {@code now}: not revoked, not expired. */
    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
