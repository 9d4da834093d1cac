package org.edgegateway.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logged-in admin sessions, in memory, ended after an idle timeout. Thread-safe.
 *
 * <p>A session id and its CSRF token are each 32 random bytes. Sessions do not survive a restart:
 * admins log in again, which is the safe default for an appliance.
 */
final class Sessions {

    /** Guards the heap against a flood of logins; the oldest sessions go first. */
    static final int MAX_SESSIONS = 1_000;

    /** One admin's session. Thread-safe: its mutable fields are volatile. */
    static final class Session {
        private final String id;
        private final String user;
        private final String csrfToken;
        private volatile Instant lastAccess;
        private volatile boolean mustChangePassword;

        Session(String id, String user, String csrfToken, Instant now, boolean mustChangePassword) {
            this.id = id;
            this.user = user;
            this.csrfToken = csrfToken;
            this.lastAccess = now;
            this.mustChangePassword = mustChangePassword;
        }

        String id() {
            return id;
        }

        String user() {
            return user;
        }

        String csrfToken() {
            return csrfToken;
        }

        boolean mustChangePassword() {
            return mustChangePassword;
        }

        void passwordChanged() {
            mustChangePassword = false;
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idleTimeout;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    Sessions(Duration idleTimeout, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    Session create(String user, boolean mustChangePassword) {
        purgeExpired();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min((a, b) -> a.lastAccess.compareTo(b.lastAccess))
                    .ifPresent(oldest -> sessions.remove(oldest.id));
        }
        Session session = new Session(randomToken(), user, randomToken(), clock.instant(), mustChangePassword);
        sessions.put(session.id, session);
        return session;
    }

    /** The live session with this id, its idle timer restarted; empty when unknown or expired. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(session, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        session.lastAccess = now;
        return Optional.of(session);
    }

    void remove(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Ends every session of {@code user} except {@code keep} (after a password change). */
    void removeOthers(String user, String keep) {
        sessions.values().removeIf(s -> s.user.equals(user) && !s.id.equals(keep));
    }

    int size() {
        return sessions.size();
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> expired(s, now));
    }

    private boolean expired(Session session, Instant now) {
        return !session.lastAccess.plus(idleTimeout).isAfter(now);
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
