package org.edgegateway.web;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.ApiTokenView;
import org.edgegateway.core.admin.NewApiToken;
import org.edgegateway.keys.TokenScope;

/**
 * {@code /api/tokens}: API tokens listed (never a token or its hash), made (the only time a token is
 * shown) and revoked. Only an admin, a session or an {@code admin} token, reaches the changes:
 * {@link ApiGate} refuses every other scope anything but reading. Thread-safe: the admin service is.
 */
final class TokensApi {

    private final AdminService admin;
    private final Clock clock;

    TokensApi(AdminService admin, Clock clock) {
        this.admin = admin;
        this.clock = clock;
    }

    void addTo(ApiRoutes routes) {
        routes.area("/api/tokens")
                .on("GET", "/api/tokens", x -> {
                    Instant now = clock.instant();
                    return admin.apiTokens().stream().map(t -> TokenView.of(t, now)).toList();
                })
                .on("POST", "/api/tokens", this::create)
                .on("DELETE", "/api/tokens/{name}", x -> {
                    admin.revokeApiToken(x.param("name"), x.actor());
                    return Map.of("revoked", x.param("name"));
                });
    }

    /** An API token as shown to admins: never the token or its hash. {@code active}: it works now. */
    record TokenView(String name, String scope, Instant createdAt, String createdBy, Instant lastUsedAt,
                     Instant expiresAt, Instant revokedAt, boolean expired, boolean active) {
        static TokenView of(ApiTokenView t, Instant now) {
            boolean expired = t.expiresAt() != null && !now.isBefore(t.expiresAt());
            return new TokenView(t.name(), t.scope().label(), t.createdAt(), t.createdBy(), t.lastUsedAt(),
                    t.expiresAt(), t.revokedAt(), expired, t.usableAt(now));
        }
    }

    private Object create(Exchange x) throws IOException {
        ApiHandler.TokenRequest r = x.body(ApiHandler.TokenRequest.class);
        String name = Exchange.requireName(r.name());
        TokenScope scope = r.scope() == null ? TokenScope.ADMIN : TokenScope.parse(r.scope());
        NewApiToken made = admin.createApiToken(name, scope, r.expiresAt(), x.actor());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("scope", scope.label());
        out.put("expiresAt", made.token().expiresAt());
        out.put("token", made.secret());
        return new Endpoint.Created(out);
    }
}
