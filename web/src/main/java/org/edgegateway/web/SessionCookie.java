package org.edgegateway.web;

import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Request;

/**
 * The admin session's cookie: read from a request, set at login, cleared at logout. Immutable and
 * thread-safe.
 *
 * <p>It is {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's page
 * sends it) and, with TLS, {@code Secure} and named with the {@code __Host-} prefix, which makes
 * browsers refuse it unless it is Secure, host-only and {@code Path=/}.
 */
final class SessionCookie {

    static final String TLS_NAME = "__Host-egw_session";
    static final String PLAIN_NAME = "egw_session";

    private final boolean tls;

    SessionCookie(boolean tls) {
        this.tls = tls;
    }

    /** The session id the request carries, if any. */
    Optional<String> read(Request request) {
        String name = name();
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(name)) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }

    /** The cookie that carries session {@code id} until the browser closes. */
    HttpCookie set(String id) {
        return build(id).build();
    }

    /** The cookie that makes the browser forget the session. */
    HttpCookie clear() {
        return build("").maxAge(0).build();
    }

    private HttpCookie.Builder build(String value) {
        return HttpCookie.build(name(), value)
                .path("/")
                .httpOnly(true)
                .sameSite(HttpCookie.SameSite.STRICT)
                .secure(tls);
    }

    private String name() {
        return tls ? TLS_NAME : PLAIN_NAME;
    }
}
