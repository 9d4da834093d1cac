package org.edgegateway.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.edgegateway.keys.ApiToken;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.TokenSecrets;

/**
 * Checks the API tokens automation sends ({@code Authorization: Bearer TOKEN}) and records when each
 * was last used. Thread-safe (the key store is). Tokens are made and revoked through the
 * {@link org.edgegateway.core.admin.AdminService}, by the API and the CLI alike; see
 * {@link TokenSecrets} for their form and why a SHA-256 of them is all that is stored.
 */
public final class BearerTokens {

    /** How often the last-used time of a token is written, at most. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final KeyStore store;
    private final Clock clock;

    public BearerTokens(KeyStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The token whose plaintext is {@code token}, when it is known and not revoked; it may have
     * expired ({@link ApiToken#isExpired}). The use of a token that has not expired is recorded, at
     * most once a minute.
     */
    Optional<ApiToken> authenticate(String token) {
        if (!TokenSecrets.wellFormed(token)) {
            return Optional.empty();
        }
        Optional<ApiToken> found = store.tokens().findActiveByHash(TokenSecrets.hash(token));
        found.ifPresent(t -> {
            Instant now = clock.instant();
            if (!t.isExpired(now) && (t.lastUsedAt() == null || t.lastUsedAt().plus(TOUCH_INTERVAL).isBefore(now))) {
                store.tokens().touch(t.id(), now);
            }
        });
        return found;
    }

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes, as stored. */
    static String hash(String token) {
        return TokenSecrets.hash(token);
    }
}
