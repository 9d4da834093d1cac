package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Sessions sessions = new Sessions(Duration.ofMinutes(10), clock);

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
        assertThat(sessions.find(s.id())).isPresent();
        clock.advance(Duration.ofMinutes(9));
        assertThat(sessions.find(s.id())).isPresent();
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.find(s.id())).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("unknown")).isEmpty();
    }

    @Test
    void passwordChangeEndsTheUsersOtherSessions() {
        Sessions.Session a = sessions.create("admin", false);
        Sessions.Session b = sessions.create("admin", false);
        Sessions.Session other = sessions.create("bob", false);
        sessions.removeOthers("admin", a.id());
        assertThat(sessions.find(a.id())).isPresent();
        assertThat(sessions.find(b.id())).isEmpty();
        assertThat(sessions.find(other.id())).isPresent();
    }

    @Test
    void theNumberOfSessionsIsBounded() {
        for (int i = 0; i < Sessions.MAX_SESSIONS + 50; i++) {
            sessions.create("admin", false);
        }
        assertThat(sessions.size()).isEqualTo(Sessions.MAX_SESSIONS);
    }
}
