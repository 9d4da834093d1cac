package org.edgegateway.keys;

import java.time.Instant;

/**
 * An API token for the admin REST API. Only a hash of the token is stored (computed by the
 * caller); {@link #toString()} does not show it.
 *
 * @param lastUsedAt when it last authenticated a request, or null
 * @param revokedAt  when it was revoked, or null while it is active
 */
public record ApiToken(long id, String name, String tokenHash, Instant createdAt, String createdBy,
                       Instant lastUsedAt, Instant revokedAt) {

    /** Whether the token has not been revoked. */
    public boolean isActive() {
        return revokedAt == null;
    }

    @Override
    public String toString() {
        return "ApiToken[id=" + id + ", name=" + name + ", tokenHash=<hidden>, createdAt=" + createdAt
                + ", createdBy=" + createdBy + ", lastUsedAt=" + lastUsedAt + ", revokedAt=" + revokedAt + "]";
    }
}
