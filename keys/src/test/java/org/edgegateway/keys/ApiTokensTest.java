package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgegateway.keys.StoreFixture.assertFails;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiTokensTest {

    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00.123456789Z");

    @RegisterExtension
    final StoreFixture fx = new StoreFixture(T0);
    private final MutableClock clock = fx.clock();
    private final KeyStore store = fx.store();

    @Test
    void apiTokens() {
        ApiToken t = store.tokens().create("ci", "h-ci", TokenScope.ADMIN, null, "admin", "cli");
        assertThat(t.isActive()).isTrue();
        assertThat(t.createdBy()).isEqualTo("admin");
        assertThat(t.toString()).doesNotContain("h-ci");
        assertFails(() -> store.tokens().create("ci", "other", TokenScope.ADMIN, null, "admin", null),
                KeyStoreException.Reason.DUPLICATE_NAME, "an API token named 'ci' already exists");
        assertFails(() -> store.tokens().create("ci2", "h-ci", TokenScope.ADMIN, null, "admin", null),
                KeyStoreException.Reason.DUPLICATE_KEY, "that token hash is already recorded for API token 'ci'");

        assertThat(store.tokens().findActiveByHash("h-ci")).contains(t);
        assertThat(store.tokens().findActiveByHash("unknown")).isEmpty();
        Instant used = clock.instant().plusSeconds(30);
        store.tokens().touch(t.id(), used);
        assertThat(store.tokens().findActiveByHash("h-ci").orElseThrow().lastUsedAt())
                .isEqualTo(used.truncatedTo(java.time.temporal.ChronoUnit.MICROS));

        store.tokens().revoke("ci", "admin", null);
        assertThat(store.tokens().findActiveByHash("h-ci")).isEmpty();
        assertThat(store.tokens().list()).singleElement().satisfies(x -> assertThat(x.revokedAt()).isNotNull());
        assertFails(() -> store.tokens().revoke("ci", "admin", null), KeyStoreException.Reason.INVALID,
                "API token 'ci' is already revoked (since 2025-06-01T10:00:00.123456Z)");
        assertFails(() -> store.tokens().revoke("zz", "admin", null), KeyStoreException.Reason.NOT_FOUND,
                "no API token named 'zz'");
    }

    @Test
    void apiTokensHaveAScopeAndMayExpire() {
        Instant expires = clock.instant().plus(Duration.ofDays(30));
        ApiToken scraper = store.tokens().create("prometheus", "h-p", TokenScope.METRICS, expires, "admin", "10.0.0.9");
        assertThat(scraper.scope()).isEqualTo(TokenScope.METRICS);
        assertThat(scraper.expiresAt()).isEqualTo(expires.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(scraper.isUsable(clock.instant())).isTrue();
        assertThat(scraper.isUsable(expires)).as("expired at its expiry").isFalse();
        assertThat(store.tokens().findActiveByHash("h-p").orElseThrow()).isEqualTo(scraper);
        assertThat(store.audit().pageFor("prometheus", Long.MAX_VALUE, 5)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("scope metrics, expires " + scraper.expiresAt()));
        ApiToken reader = store.tokens().create("reader", "h-r", TokenScope.READ_ONLY, null, "admin", null);
        assertThat(reader.expiresAt()).isNull();
        assertThat(reader.isUsable(clock.instant().plus(Duration.ofDays(36500)))).isTrue();

        assertFails(() -> store.tokens().create("late", "h-l", TokenScope.ADMIN, clock.instant(), "admin", null),
                KeyStoreException.Reason.INVALID, "expiry " + clock.instant() + " of API token 'late' is not after now ("
                        + clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS) + ")");
        assertFails(() -> store.tokens().create("none", "h-n", null, null, "admin", null),
                KeyStoreException.Reason.INVALID, "scope of API token 'none' is missing");
        assertThat(TokenScope.parse(" Read-Only ")).isEqualTo(TokenScope.READ_ONLY);
        assertThatThrownBy(() -> TokenScope.parse("root")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token scope 'root' is not one of admin, read-only, metrics");
    }
}
