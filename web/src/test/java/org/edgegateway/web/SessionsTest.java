package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Sessions sessions = new Sessions(Duration.ofMinutes(10), Duration.ofHours(8), clock);

    @Test
    void idsAndCsrfTokensAreLongRandomAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Sessions.Session s = sessions.create("admin", false);
            assertThat(s.id()).hasSize(43).isNotEqualTo(s.csrfToken());
            assertThat(seen.add(s.id())).isTrue();
            assertThat(seen.add(s.csrfToken())).isTrue();
        }
    }

    @Test
    void expiresAfterIdleTimeoutAndEachUseRestartsTheTimer() {
        Sessions.Session s = sessions.create("admin", true);
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
        Sessions.Session s = sessions.create("admin", false);
        for (int i = 0; i < 47; i++) {
            clock.advance(Duration.ofMinutes(10).minusSeconds(1));
            assertThat(sessions.find(s.id(), true)).as("used every 10 minutes, %d", i).isPresent();
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.find(s.id(), true)).as("8 hours after login").isEmpty();
    }

    @Test
    void backgroundPollingDoesNotRestartTheIdleTimer() {
        Sessions.Session s = sessions.create("admin", false);
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
        Sessions.Session a = sessions.create("admin", false);
        Sessions.Session b = sessions.create("admin", false);
        Sessions.Session other = sessions.create("bob", false);
        sessions.removeOthers("admin", a.id());
        assertThat(sessions.find(a.id(), true)).isPresent();
        assertThat(sessions.find(b.id(), true)).isEmpty();
        assertThat(sessions.find(other.id(), true)).isPresent();
    }

    @Test
    void theNumberOfSessionsIsBounded() {
        for (int i = 0; i < Sessions.MAX_SESSIONS + 50; i++) {
            sessions.create("admin", false);
        }
        assertThat(sessions.size()).isEqualTo(Sessions.MAX_SESSIONS);
    }
}
