package org.edgegateway.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.ApiToken;
import org.edgegateway.keys.TokenScope;

/**
 * Decides who calls the API and whether they may, before any route runs: authentication, the
 * token scopes and admin roles, CSRF, the origin check and the passwords that must be replaced.
 * Thread-safe: it keeps no per-request state; sessions and tokens are thread-safe.
 *
 * <p>It admits a {@link Caller} into the request ({@link Caller#ATTRIBUTE}) or refuses with 401 or
 * 403. Everything under {@code /api} needs a caller, except the session endpoints below; a route
 * that asks for a caller where none was admitted gets 401 ({@link Exchange#caller}), so an
 * endpoint added without thought fails closed.
 *
 * <ul>
 *   <li>A browser authenticates with the session cookie and must echo the session's CSRF token in
 *   {@value #CSRF_HEADER} on every state-changing request; what it may do is its admin user's role,
 *   as the scope of that role ({@link AdminRole#scope()}). Automation sends
 *   {@code Authorization: Bearer TOKEN}, which a browser never adds by itself and so needs no CSRF
 *   token; what it may do is its scope. One rule decides for both: only the {@code admin} scope
 *   changes anything or reads the admin users ({@value #ADMINS}), so a viewer's session may do
 *   exactly what a {@code read-only} token may, plus logging itself out and changing its own
 *   password.
 *   <li>A state-changing request whose {@code Origin} is not this server is refused, and the routes
 *   take only JSON bodies, so a cross-site form cannot post here even if SameSite failed. The one
 *   exception, the plugin upload, is multipart and so within a form's reach: there the CSRF header,
 *   which a form cannot add, is what refuses a forged post.
 *   <li>Until an admin has replaced a password it was given (the first-start password, a new
 *   admin's, a reset's), its session reaches only the session endpoints: {@code GET} and {@code DELETE /api/session}, {@code POST /api/session/password}.
 *   {@code POST /api/session} (the login) needs no caller; anything else under {@code /api/session}
 *   is no endpoint and gets its 404 without one.
 *   <li>{@code GET /metrics} needs a token of any scope unless the metrics are open; another method
 *   is refused by its route (405) before any credential is looked at.
 * </ul>
 *
 * <p>Once the caller is known (a valid token, or a live session even with a wrong CSRF token) the
 * request is marked {@link #AUTHENTICATED}, and only then may a refusal read its body
 * ({@link ApiJson#fail}).
 */
final class ApiGate extends Handler.Wrapper {

    static final String CSRF_HEADER = "X-CSRF-Token";
    /** Sent (as {@code 1}) by the UI on its background polls, which do not restart a session's idle timer. */
    static final String BACKGROUND_HEADER = "X-EGW-Background";
    /** Set on a request once its caller is known; an unknown caller's refused body is never read. */
    static final String AUTHENTICATED = ApiGate.class.getName() + ".authenticated";
    private static final String SESSION = "/api/session";
    /** The admin users: only the admin scope reads them, as it alone changes them. */
    static final String ADMINS = "/api/admins";

    private final BearerTokens tokens;
    private final Sessions sessions;
    private final SessionCookie cookie;
    private final boolean tls;
    private final boolean metricsOpen;
    private final Clock clock;

    ApiGate(Handler routes, BearerTokens tokens, Sessions sessions, SessionCookie cookie, boolean tls, boolean metricsOpen,
            Clock clock) {
        super(routes);
        this.tokens = tokens;
        this.sessions = sessions;
        this.cookie = cookie;
        this.tls = tls;
        this.metricsOpen = metricsOpen;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Caller caller = admit(request, Request.getPathInContext(request), request.getMethod());
        if (caller != null) {
            request.setAttribute(Caller.ATTRIBUTE, caller);
        }
        return super.handle(request, response, callback);
    }

    /** The caller of {@code method} on {@code path} (as the routes see it), null where none is needed; or a refusal. */
    private Caller admit(Request request, String path, String method) {
        if (path.equals(MetricsApi.PATH)) {
            if (method.equals("GET") && !metricsOpen) {
                String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
                if (authorization == null) {
                    throw new ApiException(401, "UNAUTHENTICATED", "/metrics needs Authorization: Bearer TOKEN");
                }
                bearer(authorization); // every scope may read the metrics
            }
            return null;
        }
        if (path.equals(SESSION) || path.startsWith(SESSION + "/")) {
            return switch (method + " " + path) {
                case "POST " + SESSION -> {
                    checkOrigin(request);
                    yield null;
                }
                case "GET " + SESSION, "DELETE " + SESSION, "POST " + SESSION + "/password" -> authenticate(request, true);
                default -> null;
            };
        }
        return authenticate(request, false);
    }

    /**
     * The caller, or a 401/403. {@code sessionEndpoint}: the session and password endpoints, which
     * stay open while a given password has not been replaced yet, and to a viewer.
     */
    private Caller authenticate(Request request, boolean sessionEndpoint) {
        String source = Request.getRemoteAddr(request);
        boolean safe = isSafe(request.getMethod());
        boolean admins = isAdmins(Request.getPathInContext(request));
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null) {
            ApiToken token = bearer(authorization);
            String who = "API token '" + token.name() + "' has scope " + token.scope().label();
            if (!token.scope().readsApi()) {
                throw new ApiException(403, "FORBIDDEN", who + ": it may only read /metrics");
            }
            requireAdmin(token.scope(), who, safe, admins);
            String name = "token:" + token.name();
            request.setAttribute(AUTHENTICATED, Boolean.TRUE);
            return new Caller(name, new Actor(name, source), null, token.scope());
        }
        // The UI's background polling is not the admin's activity: it must not keep an unattended page logged in.
        boolean activity = !"1".equals(request.getHeaders().get(BACKGROUND_HEADER));
        Sessions.Session session = cookie.read(request).flatMap(id -> sessions.find(id, activity))
                .orElseThrow(() -> new ApiException(401, "UNAUTHENTICATED", "log in first"));
        request.setAttribute(AUTHENTICATED, Boolean.TRUE);
        if (!safe) {
            checkOrigin(request);
            String sent = request.getHeaders().get(CSRF_HEADER);
            if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                    session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
                throw new ApiException(403, "CSRF", "missing or wrong " + CSRF_HEADER + " header");
            }
        }
        if (session.mustChangePassword() && !sessionEndpoint) {
            throw new ApiException(403, "PASSWORD_CHANGE_REQUIRED", "replace the password you were given first");
        }
        AdminRole role = session.role();
        if (!sessionEndpoint) {
            requireAdmin(role.scope(), "admin user '" + session.user() + "' has role " + role.label(), safe, admins);
        }
        return new Caller(session.user(), new Actor(session.user(), source), session, role.scope());
    }

    /**
     * A 403 naming {@code who} when the request is a change ({@code safe} false) or reads the admin
     * users, and {@code scope} is not the admin's, which alone does either.
     */
    private static void requireAdmin(TokenScope scope, String who, boolean safe, boolean admins) {
        if (scope.changes()) {
            return;
        }
        if (!safe) {
            throw new ApiException(403, "FORBIDDEN", who + ": it may read, not change anything");
        }
        if (admins) {
            throw new ApiException(403, "FORBIDDEN", who + ": only an admin sees the admin users");
        }
    }

    private static boolean isAdmins(String path) {
        return path.equals(ADMINS) || path.startsWith(ADMINS + "/");
    }

    /** The token of an {@code Authorization: Bearer} header, known, not revoked and not expired; else 401. */
    private ApiToken bearer(String authorization) {
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "UNAUTHENTICATED", "only Bearer tokens are accepted");
        }
        ApiToken token = tokens.authenticate(authorization.substring(7).strip())
                .orElseThrow(() -> new ApiException(401, "INVALID_TOKEN", "the API token is unknown or revoked"));
        if (token.isExpired(clock.instant())) {
            throw new ApiException(401, "INVALID_TOKEN", "API token '" + token.name() + "' expired at "
                    + token.expiresAt());
        }
        return token;
    }

    /** A state-changing request whose Origin is another site is refused (CSRF defence in depth). */
    private void checkOrigin(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return;
        }
        String host = request.getHeaders().get(HttpHeader.HOST);
        String expected = (tls ? "https://" : "http://") + host;
        if (host == null || !origin.equalsIgnoreCase(expected)) {
            throw new ApiException(403, "BAD_ORIGIN", "cross-origin request refused (Origin " + origin + ")");
        }
    }

    private static boolean isSafe(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }
}
