package org.edgegateway.keys;

import java.time.Instant;

/**
 * An API token for the admin REST API. Only a hash of the token is stored (computed by the
 * caller); {@link #toString()} does not show it.
 *
 * @param scope      what it may do
 * @param lastUsedAt when it last authenticated a request, or null
 * @param expiresAt  when it stops working, or null for never
 * @param revokedAt  when it was revoked, or null while it is active
 */
public record ApiToken(long id, String name, String tokenHash, TokenScope scope, Instant createdAt, String createdBy,
                       Instant lastUsedAt, Instant expiresAt, Instant revokedAt) {

    /** Whether the token has not been revoked (it may still have expired: {@link #isExpired}). */
    public boolean isActive() {
        return revokedAt == null;
    }

    /** Whether the token's expiry has come at {@code now}. */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Whether the token authenticates a request at {@code now}: not revoked, not expired. */
    public boolean isUsable(Instant now) {
        return isActive() && !isExpired(now);
    }

    @Override
    public String toString() {
        return "ApiToken[id=" + id + ", name=" + name + ", tokenHash=<hidden>, scope=" + scope + ", createdAt=" + createdAt
                + ", createdBy=" + createdBy + ", lastUsedAt=" + lastUsedAt + ", expiresAt=" + expiresAt
                + ", revokedAt=" + revokedAt + "]";
    }
}
