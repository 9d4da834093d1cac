package org.edgegateway.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.keys.ApiToken;
import org.edgegateway.keys.ClientNames;
import org.edgegateway.keys.KeyStore;

/**
 * API tokens for automation ({@code Authorization: Bearer TOKEN}): created, checked and revoked.
 * Thread-safe (the key store is).
 *
 * <p>A token is {@code egw_} followed by 32 random bytes in unpadded base64url. Only its SHA-256 is
 * stored: the token carries 256 bits of entropy, so a fast hash is as safe as a slow one and keeps
 * each API request cheap. The plaintext is returned once, by {@link #create}, and never again.
 */
public final class ApiTokens {

    static final String PREFIX = "egw_";
    /** How often the last-used time of a token is written, at most. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final KeyStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiTokens(KeyStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates a token named {@code name} (the key store's name rule) and returns its plaintext, the
     * only time it is ever available. Audited as {@code token.create} by {@code actor}.
     */
    public String create(String name, Actor actor) {
        ClientNames.requireValid(name);
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        store.createApiToken(name, hash(token), actor.name(), actor.source());
        return token;
    }

    /** Revokes the active token named {@code name}. */
    public void revoke(String name, Actor actor) {
        store.revokeApiToken(name, actor.name(), actor.source());
    }

    public List<ApiToken> list() {
        return store.listApiTokens();
    }

    /** The active token whose plaintext is {@code token}; records its use at most once a minute. */
    Optional<ApiToken> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 128) {
            return Optional.empty();
        }
        Optional<ApiToken> found = store.findActiveApiTokenByHash(hash(token));
        found.ifPresent(t -> {
            Instant now = clock.instant();
            if (t.lastUsedAt() == null || t.lastUsedAt().plus(TOUCH_INTERVAL).isBefore(now)) {
                store.touchApiToken(t.id(), now);
            }
        });
        return found;
    }

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes, as stored. */
    static String hash(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
