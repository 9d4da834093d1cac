package org.edgegateway.web;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.AdminUserView;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.ClientNames;

/**
 * {@code /api/admins}: the admin users, listed (never a password hash), made, disabled, enabled,
 * reset and given another role. Only the admin role (a session or an {@code admin} token) reaches
 * any of it, reading included: {@link ApiGate} refuses every other caller. A password the gateway
 * makes (for a new admin without one, and for a reset) is in the answer, the only time it is shown;
 * its owner must replace it at the first login. Thread-safe: the admin service and the hashing are.
 */
final class AdminsApi {

    private final AdminService admin;
    private final PasswordHashing hashing;

    AdminsApi(AdminService admin, PasswordHashing hashing) {
        this.admin = admin;
        this.hashing = hashing;
    }

    void addTo(ApiRoutes routes) {
        routes.area("/api/admins")
                .on("GET", "/api/admins", x -> admin.adminUsers().stream().map(AdminView::of).toList())
                .on("POST", "/api/admins", this::create)
                .only("POST", "/api/admins/{name}/disable", x -> AdminView.of(admin.disableAdminUser(name(x), x.actor())))
                .only("POST", "/api/admins/{name}/enable", x -> AdminView.of(admin.enableAdminUser(name(x), x.actor())))
                .only("POST", "/api/admins/{name}/reset", this::reset)
                .only("POST", "/api/admins/{name}/role", x -> {
                    ApiHandler.RoleRequest r = x.body(ApiHandler.RoleRequest.class);
                    return AdminView.of(admin.setAdminRole(name(x), AdminRole.parse(r.role()), x.actor()));
                });
    }

    /** An admin user as the API shows it. */
    record AdminView(String name, String role, boolean disabled, boolean mustChangePassword, Instant createdAt,
                     Instant passwordChangedAt, Instant disabledAt, Instant lastLoginAt) {
        static AdminView of(AdminUserView u) {
            return new AdminView(u.name(), u.role().label(), !u.enabled(), u.mustChangePassword(), u.createdAt(),
                    u.passwordChangedAt(), u.disabledAt(), u.lastLoginAt());
        }
    }

    private Object create(Exchange x) throws IOException {
        ApiHandler.AdminRequest r = x.body(ApiHandler.AdminRequest.class);
        if (r.name() == null) {
            throw ApiException.badRequest("name is required");
        }
        String name = ClientNames.requireValid("admin user name", r.name().strip());
        AdminRole role = r.role() == null ? AdminRole.VIEWER : AdminRole.parse(r.role());
        boolean generated = r.password() == null;
        String password = generated ? AdminPasswords.generate() : AdminPasswords.requireAcceptable("password", r.password());
        AdminUserView made = admin.createAdminUser(name, role, hashing.hash(password), x.actor());
        return new Endpoint.Created(answer(made, generated ? password : null));
    }

    private Object reset(Exchange x) {
        String password = AdminPasswords.generate();
        return answer(admin.resetAdminPassword(name(x), hashing.hash(password), x.actor()), password);
    }

    /** {@code {"admin": AdminView}}, with {@code "password"} when the gateway made one. */
    private static Map<String, Object> answer(AdminUserView user, String password) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("admin", AdminView.of(user));
        if (password != null) {
            out.put("password", password);
        }
        return out;
    }

    private static String name(Exchange x) {
        return ClientNames.requireValid("admin user name", x.param("name"));
    }
}
