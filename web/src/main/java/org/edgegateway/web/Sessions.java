package org.edgegateway.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.AdminUser;
import org.edgegateway.keys.AdminUsers;

/**
 * Logged-in admin sessions, in memory. Thread-safe.
 *
 * <p>A session lives as long as its account allows it: whenever the key store's admin users have
 * changed ({@link AdminUsers#changes()}, by the UI, the API or the CLI) a session looks at its account
 * again at its next request. A disabled or deleted account ends every session of that admin name
 * at once, a password reset since the session began ends the session, and a new role holds from
 * that request on.
 * Between changes a request costs one counter read, no query.
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
        private volatile AdminRole role;
        /** The admin users' {@link AdminUsers#changes()} when the session last looked at its account; -1: never. */
        private volatile long seen = -1;

        Session(String id, String user, AdminRole role, String csrfToken, Instant now, boolean mustChangePassword) {
            this.id = id;
            this.user = user;
            this.role = role;
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

        /** Its account's role, as of its last look at the account. */
        AdminRole role() {
            return role;
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
    private final AdminUsers accounts;
    private final SecureRandom random = new SecureRandom();

    Sessions(Duration idleTimeout, Duration lifetime, Clock clock, AdminUsers accounts) {
        this.idleTimeout = idleTimeout;
        this.lifetime = lifetime;
        this.clock = clock;
        this.accounts = accounts;
    }

    /** A new session of {@code account}, which just logged in; its first request looks at the account again. */
    Session create(AdminUser account) {
        purgeExpired();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min((a, b) -> a.lastAccess.compareTo(b.lastAccess))
                    .ifPresent(oldest -> sessions.remove(oldest.id));
        }
        Session session = new Session(randomToken(), account.name(), account.role(), randomToken(), clock.instant(),
                account.mustChangePassword());
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
        if (!allowed(session)) {
            return Optional.empty();
        }
        if (activity) {
            session.lastAccess = now;
        }
        return Optional.of(session);
    }

    /**
     * Whether {@code session}'s account still allows it, looked up only when the admin users changed
     * since the session last looked. The counter is read before the account, so a change committed
     * in between is looked at again by the next request. A disabled or deleted account ends all of
     * the admin's sessions.
     */
    private boolean allowed(Session session) {
        long changes = accounts.changes();
        if (session.seen == changes) {
            return true;
        }
        Optional<AdminUser> account = accounts.find(session.user);
        if (account.isEmpty() || !account.get().enabled()) {
            removeAll(session.user);
            return false;
        }
        // An account that must change its password while this session need not was reset after this
        // login; a session opened with the new password is another one, and stays.
        if (account.get().mustChangePassword() && !session.mustChangePassword) {
            sessions.remove(session.id);
            return false;
        }
        session.role = account.get().role();
        session.seen = changes;
        return true;
    }

    /** Ends every session of {@code user}. */
    private void removeAll(String user) {
        sessions.values().removeIf(s -> s.user.equals(user));
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
