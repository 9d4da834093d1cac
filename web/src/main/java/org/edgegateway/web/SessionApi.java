package org.edgegateway.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Response;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.AdminUser;
import org.edgegateway.keys.ClientNames;
import org.edgegateway.keys.KeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/session}: login, the session, logout and the password change. Thread-safe: sessions,
 * throttle and key store are.
 *
 * <p>A login is throttled per source address and per user name ({@link LoginThrottle}), and is
 * audited either way. An unknown user, a wrong password and a disabled admin get the same answer
 * by the same path: the password is checked against the account's hash (a dummy one for an unknown
 * user, {@link PasswordHashing#verify}) before anything else is decided, so neither the answer nor its time tells which it was.
 * Checking a password is Argon2id work, within the slots of {@link PasswordHashing}.
 */
final class SessionApi {

    private static final Logger LOG = LoggerFactory.getLogger(SessionApi.class);

    private final KeyStore store;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final PasswordHashing hashing;
    private final SessionCookie cookie;
    /** HOME/admin-password.txt: deleted once the password in it has been replaced. */
    private final Path initialPasswordFile;

    SessionApi(KeyStore store, Sessions sessions, LoginThrottle throttle, PasswordHashing hashing,
               SessionCookie cookie, Path initialPasswordFile) {
        this.store = store;
        this.sessions = sessions;
        this.throttle = throttle;
        this.hashing = hashing;
        this.cookie = cookie;
        this.initialPasswordFile = initialPasswordFile;
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
        if (user.length() > ClientNames.MAX_LENGTH || r.password().length() > AdminPasswords.MAX_LENGTH) {
            throw new ApiException(401, "BAD_CREDENTIALS", "wrong user name or password");
        }
        String source = x.source();
        Optional<Duration> blocked = throttle.blockedFor(source, user);
        if (blocked.isPresent()) {
            throw ApiException.throttled(blocked.get());
        }
        Optional<AdminUser> found = ClientNames.isValid(user) ? store.admins().find(user) : Optional.empty();
        boolean matches = hashing.verify(r.password(), found.map(AdminUser::passwordHash).orElse(null));
        boolean disabled = found.isPresent() && !found.get().enabled();
        if (!matches || found.isEmpty() || disabled) {
            throttle.failure(source, user);
            String audited = ClientNames.isValid(user) ? user : "(invalid name)";
            store.audit().append("anonymous", "admin.login.failed", audited, disabled ? "disabled" : null, source);
            throw new ApiException(401, "BAD_CREDENTIALS", "wrong user name or password");
        }
        throttle.success(source, user);
        AdminUser account = found.get();
        Sessions.Session session = sessions.create(account);
        Response.addCookie(x.response(), cookie.set(session.id()));
        store.admins().recordLogin(account.name(), source);
        return view(new Caller(account.name(), new Actor(account.name(), source), session, account.role().scope()));
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
        if (r.currentPassword().length() > AdminPasswords.MAX_LENGTH
                || !hashing.verify(r.currentPassword(), account.passwordHash())) {
            throttle.failure(source, user);
            throw new ApiException(403, "BAD_CREDENTIALS", "the current password is wrong");
        }
        String next = AdminPasswords.requireAcceptable("the new password", r.newPassword());
        if (next.equals(r.currentPassword())) {
            throw ApiException.badRequest("the new password must differ from the current one");
        }
        String hash = hashing.hash(next);
        store.admins().updatePassword(user, hash, false, user, source);
        if (account.mustChangePassword()) {
            deleteInitialPasswordFile(user, r.currentPassword(), source);
        }
        caller.session().passwordChanged();
        sessions.removeOthers(user, caller.session().id());
        return view(caller);
    }

    /**
     * The first password is dead once replaced: its file goes too, so nobody mistakes it for a live
     * one. Only when {@code replaced} is that password: another admin replacing the one-time password
     * it was given leaves the first admin's file alone.
     */
    private void deleteInitialPasswordFile(String user, String replaced, String source) {
        try {
            if (!Files.isRegularFile(initialPasswordFile) || !MessageDigest.isEqual(
                    Files.readString(initialPasswordFile, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8),
                    replaced.getBytes(StandardCharsets.UTF_8))) {
                return;
            }
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
        out.put("role", caller.session() != null ? caller.session().role().label()
                : (caller.scope().changes() ? AdminRole.ADMIN : AdminRole.VIEWER).label());
        out.put("scope", caller.scope().label());
        if (caller.session() != null) {
            out.put("mustChangePassword", caller.session().mustChangePassword());
            out.put("csrfToken", caller.session().csrfToken());
        } else {
            out.put("mustChangePassword", false);
        }
        return out;
    }
}
