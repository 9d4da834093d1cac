package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.AdminUserView;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.AuditEntry;
import org.edgegateway.keys.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code edge-gateway admins ...} on a stopped gateway (its key store) and on a running one (its control socket). */
@Timeout(180)
class AdminsCommandTest {

    private static final String ACTOR = "cli:" + System.getProperty("user.name", "unknown");

    private static Cli.Streams cli(GatewayHome home, String... args) {
        return Cli.apart(home, args);
    }

    @Test
    void onAStoppedGatewayTheCommandsChangeItsKeyStore(@TempDir Path dir) throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        Cli.Streams added = cli(home, "admins", "add", "alice", "--role", "admin");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.last()).as("the password alone, for PW=$(...)").matches("[A-Za-z0-9_-]{24}");
        assertThat(added.err()).contains("added admin alice (gateway not running: takes effect at its next start)")
                .contains("shown only this once");

        Path file = dir.resolve("vera.password");
        Cli.Streams viewer = cli(home, "admins", "add", "vera", "--password-file", file.toString());
        assertThat(viewer.code()).as(viewer.err()).isZero();
        assertThat(viewer.last()).contains("added viewer vera").contains(file.toAbsolutePath().toString())
                .doesNotContain(Files.readString(file).strip());
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).matches("[A-Za-z0-9_-]{24}\n");
        assertThat(cli(home, "admins", "reset", "vera", "--password-file", file.toString()).code())
                .as("an existing file is refused before anything changes").isEqualTo(Main.CONFLICT);

        assertThat(cli(home, "admins", "disable", "alice").err()).contains("admin user 'alice' is the last enabled admin");
        assertThat(cli(home, "admins", "disable", "alice").code()).isEqualTo(Main.CONFLICT);
        assertThat(cli(home, "admins", "role", "vera", "root").code()).isEqualTo(Main.USAGE);
        assertThat(cli(home, "admins", "add", "bad name").code()).isEqualTo(Main.USAGE);
        assertThat(cli(home, "admins", "add", "vera").code()).isEqualTo(Main.CONFLICT);
        assertThat(cli(home, "admins", "enable", "ghost").code()).isEqualTo(Main.NOT_FOUND);
        assertThat(cli(home, "admins", "role", "vera", "admin").last()).startsWith("vera now has role admin");
        assertThat(cli(home, "admins", "disable", "alice").last()).startsWith("disabled admin alice");
        Cli.Streams reset = cli(home, "admins", "reset", "alice");
        assertThat(reset.code()).isZero();
        assertThat(reset.last()).matches("[A-Za-z0-9_-]{24}");

        Cli.Streams list = cli(home, "admins", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("NAME").contains("LAST LOGIN");
        assertThat(list.out().lines().filter(l -> l.startsWith("alice"))).singleElement()
                .satisfies(l -> assertThat(l).contains("admin").contains("disabled 20").contains("never").contains("must be changed"));
        assertThat(list.out().lines().filter(l -> l.startsWith("vera"))).singleElement()
                .satisfies(l -> assertThat(l).contains("admin").contains("enabled"));

        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(home.data()))) {
            assertThat(store.admins().find("alice").orElseThrow().passwordHash()).startsWith("$argon2id$");
            List<AuditEntry> audit = store.audit().page(Long.MAX_VALUE, 20);
            assertThat(audit).extracting(AuditEntry::action).containsExactly("admin.reset", "admin.disable",
                    "admin.role", "admin.create", "admin.create");
            assertThat(audit).allSatisfy(e -> assertThat(e.actor()).isEqualTo(ACTOR));
        }
    }

    @Test
    void onARunningGatewayADisabledAdminLosesItsSessionAtOnce(@TempDir Path dir) throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        TestHome.configure(home,
                "gateway.endpoint=tcp://127.0.0.1:" + BundleProcess.freePort(), "admin.port=" + BundleProcess.freePort(),
                "admin.tls=false", "pubsub.enabled=false");
        try (GatewayApp app = GatewayApp.start(home, Map.of())) {
            Cli.Streams added = cli(home, "admins", "add", "ops", "--role", "admin");
            assertThat(added.code()).as(added.err()).isZero();
            assertThat(added.err()).contains("added admin ops;").doesNotContain("not running");
            String password = added.last();

            String base = "http://127.0.0.1:" + app.web().port();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/api/session"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"ops\",\"password\":\"" + password + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            assertThat(login.body()).contains("\"role\":\"admin\"").contains("\"mustChangePassword\":true");
            String cookie = login.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
            HttpRequest session = HttpRequest.newBuilder(URI.create(base + "/api/session")).header("Cookie", cookie).build();
            assertThat(http.send(session, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            assertThat(cli(home, "admins", "role", "ops", "viewer").last()).isEqualTo("ops now has role viewer");
            assertThat(http.send(session, HttpResponse.BodyHandlers.ofString()).body()).contains("\"role\":\"viewer\"");
            assertThat(cli(home, "admins", "disable", "ops").last()).isEqualTo("disabled viewer ops");
            assertThat(http.send(session, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("the session ended with the command").isEqualTo(401);

            Cli.Streams list = cli(home, "admins", "list");
            assertThat(list.out().lines().filter(l -> l.startsWith("admin "))).as("the first admin").singleElement()
                    .satisfies(l -> assertThat(l).contains("enabled").contains("must be changed"));
            assertThat(app.gateway().admin().adminUsers()).extracting(AdminUserView::name, AdminUserView::role)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("admin", AdminRole.ADMIN),
                            org.assertj.core.groups.Tuple.tuple("ops", AdminRole.VIEWER));
            assertThat(app.gateway().admin().audit(Long.MAX_VALUE, 20)).filteredOn(e -> e.subject().equals("ops"))
                    .extracting(AuditEntry::action, AuditEntry::actor, AuditEntry::source).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("admin.disable", ACTOR, "local"),
                            org.assertj.core.groups.Tuple.tuple("admin.role", ACTOR, "local"),
                            org.assertj.core.groups.Tuple.tuple("admin.login", "ops", "127.0.0.1"),
                            org.assertj.core.groups.Tuple.tuple("admin.create", ACTOR, "local"));
        }
    }
}
