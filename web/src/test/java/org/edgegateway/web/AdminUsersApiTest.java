package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.keys.AuditEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** More than one admin, each with a role the API enforces, over real HTTPS in front of a real gateway and key store. */
@Timeout(180)
class AdminUsersApiTest extends GatewayTestBase {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String OWN = "a password of my own";

    Https admin;

    @BeforeEach
    void logIn() throws Exception {
        admin = Https.admin(gw, PASSWORD);
    }

    /** Makes {@code name} with {@code role} through the API; returns the one-time password it was given. */
    private String create(String name, String role) {
        Https.Reply r = admin.post("/api/admins", Map.of("name", name, "role", role));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("password").asText();
    }

    /** A session of {@code name}, logged in with {@code given} and that password replaced by {@link #OWN}. */
    private Https loggedIn(String name, String given) {
        Https h = new Https(gw);
        Https.Reply login = h.login(name, given);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        assertThat(login.json().get("mustChangePassword").asBoolean()).isTrue();
        Https.Reply blocked = h.get("/api/clients");
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(blocked.json().get("error").asText()).isEqualTo("PASSWORD_CHANGE_REQUIRED");
        Https.Reply changed = h.post("/api/session/password", Map.of("currentPassword", given, "newPassword", OWN));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        return h;
    }

    private static void assertRefused(Https.Reply r, int status, String error, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.json().get("error").asText()).isEqualTo(error);
        assertThat(r.json().get("message").asText()).contains(message);
    }

    private List<String> actions() {
        return gw.store.audit().page(Long.MAX_VALUE, 200).stream().map(AuditEntry::action).toList();
    }

    /** {@code template} with each path variable set to {@code x}. */
    private static String path(String template) {
        return template.replaceAll("\\{[^/}]+}", "x");
    }

    @Test
    void aViewerReadsEverythingButTheAdminsAndIsRefusedEveryChange() {
        String given = create("vera", "viewer");
        assertThat(given).hasSize(24);
        Https vera = loggedIn("vera", given);
        JsonNode session = vera.get("/api/session").json();
        assertThat(session.get("user").asText()).isEqualTo("vera");
        assertThat(session.get("role").asText()).isEqualTo("viewer");
        assertThat(session.get("scope").asText()).isEqualTo("read-only");
        assertThat(admin.get("/api/session").json().get("role").asText()).isEqualTo("admin");

        List<String> routes = gw.web.routes();
        assertThat(routes).contains("GET /api/admins", "POST /api/admins/{name}/disable", "POST /api/clients");
        for (String route : routes) {
            String[] r = route.split(" ", 2);
            if (!r[0].equals("GET") || r[1].contains("{") || !r[1].startsWith("/api/")) {
                continue;
            }
            Https.Reply read = vera.get(r[1]);
            if (r[1].equals("/api/admins")) {
                assertRefused(read, 403, "FORBIDDEN", "admin user 'vera' has role viewer: only an admin sees the admin users");
            } else {
                assertThat(read.status()).as(route + ": " + read.body()).isEqualTo(200);
            }
        }

        List<String> before = actions();
        int walked = 0;
        for (String route : routes) {
            String[] r = route.split(" ", 2);
            if (r[0].equals("GET") || List.of("POST /api/session", "DELETE /api/session", "POST /api/session/password")
                    .contains(route)) {
                continue;
            }
            Https.Reply change = vera.send(r[0], path(r[1]), Map.of("name", "x"), Map.of());
            assertRefused(change, 403, "FORBIDDEN", "admin user 'vera' has role viewer: it may read, not change anything");
            walked++;
        }
        assertThat(walked).as("every state-changing endpoint").isGreaterThan(20);
        assertThat(actions()).as("nothing changed, nothing audited").isEqualTo(before);
        assertThat(gw.store.admins().list()).hasSize(2);
        assertThat(vera.get("/api/clients").status()).as("the session lives on").isEqualTo(200);

        Https.Reply out = vera.send("DELETE", "/api/session", null, Map.of());
        assertThat(out.status()).as("a viewer logs itself out").isEqualTo(200);
    }

    @Test
    void onlyTheAdminScopeSeesOrChangesTheAdmins() {
        Https.Reply token = admin.post("/api/tokens", Map.of("name", "reader", "scope", "read-only"));
        Map<String, String> reader = Map.of("Authorization", "Bearer " + token.json().get("token").asText());
        Https bot = new Https(gw);
        assertRefused(bot.send("GET", "/api/admins", null, reader), 403, "FORBIDDEN",
                "API token 'reader' has scope read-only: only an admin sees the admin users");
        assertRefused(bot.send("POST", "/api/admins", Map.of("name", "mallory", "role", "admin"), reader), 403,
                "FORBIDDEN", "API token 'reader' has scope read-only: it may read, not change anything");

        Https.Reply automation = admin.post("/api/tokens", Map.of("name", "automation", "scope", "admin"));
        Map<String, String> full = Map.of("Authorization", "Bearer " + automation.json().get("token").asText());
        Https.Reply made = bot.send("POST", "/api/admins", Map.of("name", "ops", "role", "admin"), full);
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(gw.store.audit().pageFor("ops", Long.MAX_VALUE, 5)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("token:automation");
            assertThat(e.action()).isEqualTo("admin.create");
            assertThat(e.detail()).isEqualTo("role admin, must change password");
        });
        JsonNode list = bot.send("GET", "/api/admins", null, full).json();
        assertThat(list).extracting(n -> n.get("name").asText()).containsExactly("admin", "ops");
        JsonNode first = list.get(0);
        assertThat(first.get("role").asText()).isEqualTo("admin");
        assertThat(first.get("disabled").asBoolean()).isFalse();
        assertThat(first.get("lastLoginAt").isNull()).isFalse();
        assertThat(first.get("passwordChangedAt").isNull()).isFalse();
        assertThat(first.has("passwordHash")).isFalse();
        assertThat(list.get(1).get("mustChangePassword").asBoolean()).isTrue();
        assertThat(list.get(1).get("lastLoginAt").isNull()).isTrue();
    }

    @Test
    void aDisabledAdminCannotLogInAndItsLiveSessionEndsAtOnce() {
        Https.Reply made = admin.post("/api/admins", Map.of("name", "ops", "role", "admin", "password", "given by admin 1"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.json().has("password")).as("a password the admin chose is not echoed").isFalse();
        assertThat(made.json().at("/admin/mustChangePassword").asBoolean()).isTrue();
        Https ops = loggedIn("ops", "given by admin 1");
        assertThat(ops.get("/api/clients").status()).isEqualTo(200);
        Https second = new Https(gw);
        assertThat(second.login("ops", OWN).status()).isEqualTo(200);

        Https.Reply disabled = admin.post("/api/admins/ops/disable", null);
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(disabled.json().get("disabled").asBoolean()).isTrue();
        assertRefused(ops.get("/api/clients"), 401, "UNAUTHENTICATED", "log in first");
        assertRefused(second.get("/api/stats"), 401, "UNAUTHENTICATED", "log in first");

        Https.Reply right = new Https(gw).login("ops", OWN);
        Https.Reply wrong = new Https(gw).login("ops", "not the password");
        Https.Reply unknown = new Https(gw).login("nobody", OWN);
        assertThat(right.status()).isEqualTo(401);
        assertThat(right.body()).as("the same answer as a wrong password or an unknown user")
                .isEqualTo(wrong.body()).isEqualTo(unknown.body());
        assertThat(right.json().get("error").asText()).isEqualTo("BAD_CREDENTIALS");
        assertThat(gw.store.audit().pageFor("ops", Long.MAX_VALUE, 3)).first().satisfies(e -> {
            assertThat(e.action()).isEqualTo("admin.login.failed");
            assertThat(e.detail()).isEqualTo("disabled");
        });
        assertRefused(admin.post("/api/admins/ops/disable", null), 400, "INVALID", "admin user 'ops' is disabled already");

        assertThat(admin.post("/api/admins/ops/enable", null).json().get("disabled").asBoolean()).isFalse();
        Https back = new Https(gw);
        assertThat(back.login("ops", OWN).status()).isEqualTo(200);
        // The running gateway's admin service, as the CLI reaches it through the control socket.
        gw.gateway.admin().disableAdminUser("ops", new Actor("cli:root", "local"));
        assertRefused(back.get("/api/clients"), 401, "UNAUTHENTICATED", "log in first");
        assertThat(actions()).contains("admin.create", "admin.disable", "admin.enable", "admin.login.failed");
    }

    @Test
    void aResetGivesAOneTimePasswordThatEndsTheSessionsAndMustBeReplaced() {
        Https vera = loggedIn("vera", create("vera", "viewer"));
        Https.Reply reset = admin.post("/api/admins/vera/reset", null);
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        String oneTime = reset.json().get("password").asText();
        assertThat(oneTime).hasSize(24);
        assertThat(reset.json().at("/admin/mustChangePassword").asBoolean()).isTrue();
        assertRefused(vera.get("/api/clients"), 401, "UNAUTHENTICATED", "log in first");
        assertThat(new Https(gw).login("vera", OWN).status()).as("the old password is gone").isEqualTo(401);

        Https again = new Https(gw);
        assertThat(again.login("vera", oneTime).json().get("mustChangePassword").asBoolean()).isTrue();
        assertRefused(again.get("/api/clients"), 403, "PASSWORD_CHANGE_REQUIRED", "replace the password you were given");
        assertThat(again.post("/api/session/password", Map.of("currentPassword", oneTime, "newPassword", "vera's newest one"))
                .status()).isEqualTo(200);
        assertThat(again.get("/api/clients").status()).isEqualTo(200);
        assertThat(gw.store.audit().pageFor("vera", Long.MAX_VALUE, 10)).extracting(AuditEntry::action)
                .contains("admin.reset", "admin.password", "admin.login");
        assertThat(gw.store.audit().pageFor("vera", Long.MAX_VALUE, 10)).filteredOn(e -> e.action().equals("admin.reset"))
                .singleElement().satisfies(e -> {
                    assertThat(e.actor()).isEqualTo("admin");
                    assertThat(e.detail()).doesNotContain(oneTime);
                });
    }

    @Test
    void aRoleChangeHoldsForTheLiveSessionAndTheLastAdminStays() {
        Https ops = loggedIn("ops", create("ops", "admin"));
        Https.Reply demoted = ops.post("/api/admins/admin/role", Map.of("role", "viewer"));
        assertThat(demoted.status()).as(demoted.body()).isEqualTo(200);
        assertThat(demoted.json().get("role").asText()).isEqualTo("viewer");
        assertRefused(admin.post("/api/clients", Map.of("name", "x", "publicKey", "y")), 403, "FORBIDDEN",
                "admin user 'admin' has role viewer");
        assertThat(admin.get("/api/session").json().get("role").asText()).isEqualTo("viewer");

        assertRefused(ops.post("/api/admins/ops/disable", null), 409, "CONFLICT",
                "admin user 'ops' is the last enabled admin: disabling it would leave nobody to manage the gateway");
        assertRefused(ops.post("/api/admins/ops/role", Map.of("role", "viewer")), 409, "CONFLICT",
                "admin user 'ops' is the last enabled admin");
        assertRefused(ops.post("/api/admins/ops/role", Map.of("role", "root")), 400, "INVALID",
                "admin role 'root' is not one of admin, viewer");
        assertRefused(ops.post("/api/admins/ghost/disable", null), 404, "NOT_FOUND", "no admin user named 'ghost'");
        assertRefused(ops.post("/api/admins", Map.of("name", "bad name")), 400, "INVALID",
                "admin user name 'bad name' may only contain");
        assertRefused(ops.post("/api/admins", Map.of("name", "ops")), 409, "CONFLICT", "an admin user named 'ops' already exists");
        assertRefused(ops.post("/api/admins", Map.of("name", "short", "password", "tiny")), 400, "INVALID",
                "password must have 12 to 256 characters");
        assertRefused(ops.send("PUT", "/api/admins/ops/role", Map.of("role", "admin"), Map.of()), 405,
                "METHOD_NOT_ALLOWED", "use POST");
        Https.Reply viewerByDefault = ops.post("/api/admins", Map.of("name", "dora"));
        assertThat(viewerByDefault.json().at("/admin/role").asText()).isEqualTo("viewer");

        assertThat(ops.post("/api/admins/admin/role", Map.of("role", "admin")).status()).isEqualTo(200);
        assertThat(admin.post("/api/admins/ops/disable", null).status()).as("now it has another admin").isEqualTo(200);
        List<String> roles = new ArrayList<>();
        gw.store.audit().pageFor("admin", Long.MAX_VALUE, 20).forEach(e -> {
            if (e.action().equals("admin.role")) {
                roles.add(e.actor() + ": " + e.detail());
            }
        });
        assertThat(roles).containsExactly("ops: role admin (was viewer)", "ops: role viewer (was admin)");
    }
}
