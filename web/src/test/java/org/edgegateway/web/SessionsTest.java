package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.KeyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private KeyStore store;
    private Sessions sessions;

    @BeforeEach
    void open(@TempDir Path dir) {
        store = KeyStore.open(KeyStore.fileUrl(dir.resolve("data")), clock);
        store.admins().create("admin", "h", AdminRole.ADMIN, false, "test", null);
        store.admins().create("bob", "h", AdminRole.ADMIN, false, "test", null);
        sessions = new Sessions(Duration.ofMinutes(10), Duration.ofHours(8), clock, store.admins());
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A new session of {@code user}, as its login makes it. */
    private Sessions.Session login(String user) {
        return sessions.create(store.admins().find(user).orElseThrow());
    }

    @Test
    void idsAndCsrfTokensAreLongRandomAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Sessions.Session s = login("admin");
            assertThat(s.id()).hasSize(43).isNotEqualTo(s.csrfToken());
            assertThat(seen.add(s.id())).isTrue();
            assertThat(seen.add(s.csrfToken())).isTrue();
        }
    }

    @Test
    void expiresAfterIdleTimeoutAndEachUseRestartsTheTimer() {
        Sessions.Session s = login("admin");
        clock.advance(Duration.ofMinutes(9));
        assertThat(sessions.find(s.id(), true)).isPresent();
        clock.advance(Duration.ofMinutes(9));
        assertThat(sessions.find(s.id(), true)).isPresent();
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.find(s.id(), true)).isEmpty();
        assertThat(sessions.find(null, true)).isEmpty();
        assertThat(sessions.find("unknown", true)).isEmpty();
    }

    @Test
    void endsAtItsLifetimeHoweverActive() {
        Sessions.Session s = login("admin");
        for (int i = 0; i < 47; i++) {
            clock.advance(Duration.ofMinutes(10).minusSeconds(1));
            assertThat(sessions.find(s.id(), true)).as("used every 10 minutes, %d", i).isPresent();
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.find(s.id(), true)).as("8 hours after login").isEmpty();
    }

    @Test
    void backgroundPollingDoesNotRestartTheIdleTimer() {
        Sessions.Session s = login("admin");
        for (int i = 0; i < 9; i++) {
            clock.advance(Duration.ofMinutes(1));
            assertThat(sessions.find(s.id(), false)).isPresent();
        }
        clock.advance(Duration.ofMinutes(1));
        assertThat(sessions.find(s.id(), false)).as("10 minutes of polling alone").isEmpty();
        assertThat(sessions.find(s.id(), true)).isEmpty();
    }

    @Test
    void passwordChangeEndsTheUsersOtherSessions() {
        Sessions.Session a = login("admin");
        Sessions.Session b = login("admin");
        Sessions.Session other = login("bob");
        sessions.removeOthers("admin", a.id());
        assertThat(sessions.find(a.id(), true)).isPresent();
        assertThat(sessions.find(b.id(), true)).isEmpty();
        assertThat(sessions.find(other.id(), true)).isPresent();
    }

    @Test
    void theNumberOfSessionsIsBounded() {
        for (int i = 0; i < Sessions.MAX_SESSIONS + 50; i++) {
            login("admin");
        }
        assertThat(sessions.size()).isEqualTo(Sessions.MAX_SESSIONS);
    }

    @Test
    void disablingAnAdminEndsAllItsSessionsAtTheirNextRequest() {
        Sessions.Session first = login("bob");
        Sessions.Session second = login("bob");
        Sessions.Session other = login("admin");
        assertThat(sessions.find(first.id(), true)).isPresent();
        store.admins().disable("bob", "admin", null);
        assertThat(sessions.find(first.id(), false)).isEmpty();
        assertThat(sessions.size()).as("the other session of bob ended with it").isEqualTo(1);
        assertThat(sessions.find(second.id(), true)).isEmpty();
        assertThat(sessions.find(other.id(), true)).isPresent();
        store.admins().enable("bob", "admin", null);
        assertThat(sessions.find(first.id(), true)).as("enabling it again brings back no session").isEmpty();
    }

    @Test
    void aNewRoleHoldsFromTheNextRequestWithoutALogin() {
        Sessions.Session s = login("bob");
        assertThat(s.role()).isEqualTo(AdminRole.ADMIN);
        store.admins().setRole("bob", AdminRole.VIEWER, "admin", null);
        assertThat(sessions.find(s.id(), true)).hasValueSatisfying(x -> assertThat(x.role()).isEqualTo(AdminRole.VIEWER));
        store.admins().setRole("bob", AdminRole.ADMIN, "admin", null);
        assertThat(sessions.find(s.id(), true)).hasValueSatisfying(x -> assertThat(x.role()).isEqualTo(AdminRole.ADMIN));
    }

    @Test
    void aResetEndsTheSessionsOpenedBeforeItButNotTheOneOpenedWithTheNewPassword() {
        Sessions.Session before = login("bob");
        store.admins().resetPassword("bob", "h2", "admin", null);
        Sessions.Session after = login("bob");
        assertThat(after.mustChangePassword()).isTrue();
        assertThat(sessions.find(before.id(), true)).isEmpty();
        assertThat(sessions.find(after.id(), true)).isPresent();
        store.admins().updatePassword("bob", "h3", false, "bob", null);
        after.passwordChanged();
        assertThat(sessions.find(after.id(), true)).as("its own change").isPresent();
    }

    @Test
    void aSessionWhoseAccountIsGoneEnds() {
        Sessions.Session s = sessions.create(new org.edgegateway.keys.AdminUser("ghost", "h", AdminRole.ADMIN, false,
                clock.instant(), null, null, null));
        assertThat(sessions.find(s.id(), true)).isEmpty();
    }
}
