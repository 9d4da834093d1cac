package org.edgegateway.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.server.Response;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.keys.AdminUser;
import org.edgegateway.keys.ClientNames;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.TokenScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/session}: login, the session, logout and the password change. Thread-safe: sessions,
 * throttle and key store are.
 *
 * <p>A login is throttled per source address and per user name ({@link LoginThrottle}), takes as
 * long for an unknown user as for a known one (a dummy hash is checked), and is audited either way.
 * Checking a password (Argon2id) takes 19 MiB, so only as many run at once as {@code hashing} has
 * permits: one more is refused at once (429), never queued, since a queue would hold a server
 * thread per waiting attacker.
 */
final class SessionApi {

    private static final Logger LOG = LoggerFactory.getLogger(SessionApi.class);
    private static final int MIN_PASSWORD = 12;
    private static final int MAX_PASSWORD = 256;

    private final KeyStore store;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final PasswordHasher hasher;
    private final Semaphore hashing;
    private final SessionCookie cookie;
    /** HOME/admin-password.txt: deleted once the password in it has been replaced. */
    private final Path initialPasswordFile;
    /** Compared against when the user does not exist, so a login takes as long either way. */
    private final String dummyHash;

    SessionApi(KeyStore store, Sessions sessions, LoginThrottle throttle, PasswordHasher hasher, Semaphore hashing,
               SessionCookie cookie, Path initialPasswordFile) {
        this.store = store;
        this.sessions = sessions;
        this.throttle = throttle;
        this.hasher = hasher;
        this.hashing = hashing;
        this.cookie = cookie;
        this.initialPasswordFile = initialPasswordFile;
        this.dummyHash = hasher.hash("not a password".toCharArray());
    }

    void addTo(ApiRoutes routes) {
        routes.area("/api/session")
                .on("POST", "/api/session", this::login)
                .on("GET", "/api/session", x -> view(x.caller()))
                .on("DELETE", "/api/session", this::logout)
                .on("POST", "/api/session/password", this::changePassword);
    }

    private Object login(Exchange x) throws IOException {
        ApiHandler.LoginRequest r = x.body(ApiHandler.LoginRequest.class);
        if (r.username() == null || r.password() == null) {
            throw ApiException.badRequest("username and password are required");
        }
        String user = r.username().strip();
        if (user.length() > ClientNames.MAX_LENGTH || r.password().length() > MAX_PASSWORD) {
            throw new ApiException(401, "BAD_CREDENTIALS", "wrong user name or password");
        }
        String source = x.source();
        Optional<Duration> blocked = throttle.blockedFor(source, user);
        if (blocked.isPresent()) {
            throw ApiException.throttled(blocked.get());
        }
        Optional<AdminUser> found = ClientNames.isValid(user) ? store.admins().find(user) : Optional.empty();
        boolean ok = verify(r.password(), found.map(AdminUser::passwordHash).orElse(dummyHash)) && found.isPresent();
        if (!ok) {
            throttle.failure(source, user);
            String audited = ClientNames.isValid(user) ? user : "(invalid name)";
            store.audit().append("anonymous", "admin.login.failed", audited, null, source);
            throw new ApiException(401, "BAD_CREDENTIALS", "wrong user name or password");
        }
        throttle.success(source, user);
        AdminUser account = found.get();
        Sessions.Session session = sessions.create(account.name(), account.mustChangePassword());
        Response.addCookie(x.response(), cookie.set(session.id()));
        store.audit().append(account.name(), "admin.login", account.name(), null, source);
        return view(new Caller(account.name(), new Actor(account.name(), source), session, TokenScope.ADMIN));
    }

    private Object logout(Exchange x) {
        Caller caller = x.caller();
        if (caller.session() != null) {
            sessions.remove(caller.session().id());
            Response.addCookie(x.response(), cookie.clear());
            store.audit().append(caller.name(), "admin.logout", caller.name(), null, x.source());
        }
        return Map.of("loggedOut", true);
    }

    private Object changePassword(Exchange x) throws IOException {
        Caller caller = x.caller();
        if (caller.session() == null) {
            throw new ApiException(403, "FORBIDDEN", "an API token cannot change an admin password");
        }
        ApiHandler.PasswordRequest r = x.body(ApiHandler.PasswordRequest.class);
        if (r.currentPassword() == null || r.newPassword() == null) {
            throw ApiException.badRequest("currentPassword and newPassword are required");
        }
        String user = caller.name();
        String source = x.source();
        Optional<Duration> blocked = throttle.blockedFor(source, user);
        if (blocked.isPresent()) {
            throw ApiException.throttled(blocked.get());
        }
        AdminUser account = store.admins().find(user)
                .orElseThrow(() -> new ApiException(401, "UNAUTHENTICATED", "the user no longer exists"));
        if (r.currentPassword().length() > MAX_PASSWORD || !verify(r.currentPassword(), account.passwordHash())) {
            throttle.failure(source, user);
            throw new ApiException(403, "BAD_CREDENTIALS", "the current password is wrong");
        }
        String next = r.newPassword();
        if (next.length() < MIN_PASSWORD || next.length() > MAX_PASSWORD) {
            throw ApiException.badRequest("the new password must have " + MIN_PASSWORD + " to " + MAX_PASSWORD
                    + " characters");
        }
        if (next.equals(r.currentPassword())) {
            throw ApiException.badRequest("the new password must differ from the current one");
        }
        String hash = hashPassword(next);
        store.admins().updatePassword(user, hash, false, user, source);
        if (account.mustChangePassword()) {
            deleteInitialPasswordFile(user, source);
        }
        caller.session().passwordChanged();
        sessions.removeOthers(user, caller.session().id());
        return view(caller);
    }

    /** The first password is dead once replaced: its file goes too, so nobody mistakes it for a live one. */
    private void deleteInitialPasswordFile(String user, String source) {
        try {
            if (Files.deleteIfExists(initialPasswordFile)) {
                LOG.info("admin web: {} replaced the first password; deleted {}", user, initialPasswordFile);
                store.audit().append(user, "admin.initial-password.delete", initialPasswordFile.getFileName().toString(),
                        "deleted after the first password change", source);
            }
        } catch (IOException e) {
            LOG.warn("admin web: cannot delete {} after the first password change: {}; delete it by hand",
                    initialPasswordFile, e.getMessage());
        }
    }

    private static Map<String, Object> view(Caller caller) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", caller.name());
        out.put("scope", caller.scope().label());
        if (caller.session() != null) {
            out.put("mustChangePassword", caller.session().mustChangePassword());
            out.put("csrfToken", caller.session().csrfToken());
        } else {
            out.put("mustChangePassword", false);
        }
        return out;
    }

    private boolean verify(String password, String hash) {
        acquireHashing();
        char[] chars = password.toCharArray();
        try {
            return hasher.verify(chars, hash);
        } finally {
            Arrays.fill(chars, '\0');
            hashing.release();
        }
    }

    private String hashPassword(String password) {
        acquireHashing();
        char[] chars = password.toCharArray();
        try {
            return hasher.hash(chars);
        } finally {
            Arrays.fill(chars, '\0');
            hashing.release();
        }
    }

    private void acquireHashing() {
        if (!hashing.tryAcquire()) {
            throw new ApiException(429, "THROTTLED", "too many logins at once; try again in a second", 1);
        }
    }
}
