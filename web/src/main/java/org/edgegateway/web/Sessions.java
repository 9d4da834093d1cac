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
 * Logged-in admin sessions, in memory. Thread-safe.
 *
 * <p>A session ends after an idle timeout without the admin's activity, and at the latest a fixed
 * lifetime after login however active it is, so that a stolen cookie or an unattended browser
 * is good for a bounded time. Only requests that are the admin's activity restart the idle timer:
 * the UI marks its background polling, which must not keep an open, unattended page logged in.
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
        private final Instant createdAt;
        private volatile Instant lastAccess;
        private volatile boolean mustChangePassword;

        Session(String id, String user, String csrfToken, Instant now, boolean mustChangePassword) {
            this.id = id;
            this.user = user;
            this.csrfToken = csrfToken;
            this.createdAt = now;
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
    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    Sessions(Duration idleTimeout, Duration lifetime, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.lifetime = lifetime;
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

    /**
     * The live session with this id; empty when unknown or ended (idle too long, or past its
     * lifetime). {@code activity}: the request is the admin's doing, so the idle timer restarts;
     * false for the UI's background polling, which leaves it running.
     */
    Optional<Session> find(String id, boolean activity) {
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
        if (activity) {
            session.lastAccess = now;
        }
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
        return !session.lastAccess.plus(idleTimeout).isAfter(now) || !session.createdAt.plus(lifetime).isAfter(now);
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
