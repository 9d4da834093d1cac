package org.edgegateway.core.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminUserView;
import org.edgegateway.core.admin.ApiTokenView;
import org.edgegateway.core.admin.MetricHistoryView;
import org.edgegateway.core.admin.NewApiToken;
import org.edgegateway.core.admin.ProcessView;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.ApiToken;
import org.edgegateway.keys.TokenScope;
import org.edgegateway.keys.TokenSecrets;
import org.edgegateway.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's way into a running gateway: its control socket, over a real Unix socket, real store. */
@Timeout(120)
class ControlChannelTest {

    private static final Actor CLI = new Actor("cli:tester", "local");

    @TempDir
    Path dir;
    GatewayFixture gw;
    ControlServer server;
    ControlClient cli;

    @BeforeEach
    void start() {
        gw = GatewayFixture.start(dir);
        Path socket = dir.resolve("control.sock");
        server = ControlServer.start(socket, gw.gateway().admin());
        cli = ControlClient.connect(socket).orElseThrow();
    }

    @AfterEach
    void stop() {
        cli.close();
        server.close();
        gw.close();
    }

    @Test
    void apiTokensAreMadeListedAndRevokedOnARunningGateway() {
        Instant expires = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MICROS);
        NewApiToken made = cli.createApiToken("scraper", TokenScope.METRICS, expires, CLI);
        assertThat(made.secret()).startsWith(TokenSecrets.PREFIX);
        assertThat(made.toString()).doesNotContain(made.secret());
        ApiToken stored = gw.store().tokens().findActiveByHash(TokenSecrets.hash(made.secret())).orElseThrow();
        assertThat(stored.name()).isEqualTo("scraper");
        assertThat(stored.scope()).isEqualTo(TokenScope.METRICS);
        assertThat(stored.expiresAt()).isEqualTo(expires);
        assertThat(gw.store().audit().pageFor("scraper", Long.MAX_VALUE, 5)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("token.create");
            assertThat(e.actor()).isEqualTo("cli:tester");
            assertThat(e.source()).isEqualTo("local");
            assertThat(e.detail()).doesNotContain(made.secret());
        });
        assertThat(cli.createApiToken("admin-bot", TokenScope.ADMIN, null, CLI).token().expiresAt()).isNull();

        assertThat(cli.apiTokens()).extracting(ApiTokenView::name, ApiTokenView::scope)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("admin-bot", TokenScope.ADMIN),
                        org.assertj.core.groups.Tuple.tuple("scraper", TokenScope.METRICS));

        assertThatThrownBy(() -> cli.createApiToken("scraper", TokenScope.READ_ONLY, null, CLI))
                .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.CONFLICT))
                .hasMessageContaining("an API token named 'scraper' already exists");
        assertThatThrownBy(() -> cli.createApiToken("late", TokenScope.READ_ONLY, Instant.parse("2020-01-01T00:00:00Z"), CLI))
                .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.INVALID))
                .hasMessageContaining("is not after now");

        cli.revokeApiToken("scraper", CLI);
        assertThat(gw.store().tokens().findActiveByHash(TokenSecrets.hash(made.secret()))).isEmpty();
        assertThatThrownBy(() -> cli.revokeApiToken("nobody", CLI))
                .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.NOT_FOUND));
    }

    @Test
    void adminUsersAreMadeDisabledResetAndGivenRolesOnARunningGateway() {
        AdminUserView first = cli.createAdminUser("root-admin", AdminRole.ADMIN, "hash-1", CLI);
        assertThat(first.role()).isEqualTo(AdminRole.ADMIN);
        assertThat(first.mustChangePassword()).as("whoever made it knows the password").isTrue();
        cli.createAdminUser("vera", AdminRole.VIEWER, "hash-2", CLI);
        assertThat(cli.adminUsers()).extracting(AdminUserView::name, AdminUserView::role).containsExactly(
                org.assertj.core.groups.Tuple.tuple("root-admin", AdminRole.ADMIN),
                org.assertj.core.groups.Tuple.tuple("vera", AdminRole.VIEWER));

        assertThat(cli.disableAdminUser("vera", CLI).enabled()).isFalse();
        assertThat(cli.enableAdminUser("vera", CLI).enabled()).isTrue();
        assertThat(cli.resetAdminPassword("vera", "hash-3", CLI).mustChangePassword()).isTrue();
        assertThat(gw.store().admins().find("vera").orElseThrow().passwordHash()).isEqualTo("hash-3");
        assertThat(cli.setAdminRole("vera", AdminRole.ADMIN, CLI).role()).isEqualTo(AdminRole.ADMIN);
        assertThat(cli.setAdminRole("root-admin", AdminRole.VIEWER, CLI).role()).isEqualTo(AdminRole.VIEWER);
        assertThatThrownBy(() -> cli.disableAdminUser("vera", CLI))
                .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.CONFLICT))
                .hasMessageContaining("admin user 'vera' is the last enabled admin");
        assertThatThrownBy(() -> cli.createAdminUser("vera", AdminRole.VIEWER, "h", CLI))
                .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.CONFLICT));
        assertThatThrownBy(() -> cli.enableAdminUser("ghost", CLI))
                .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.NOT_FOUND));
        assertThat(server.handle("{\"op\":\"setAdminRole\",\"actor\":\"cli:x\",\"name\":\"vera\",\"role\":\"root\"}")
                .toString()).contains("\"kind\":\"INVALID\"").contains("admin role 'root' is not one of admin, viewer");
        assertThat(gw.store().audit().pageFor("vera", Long.MAX_VALUE, 10)).extracting(e -> e.action())
                .containsExactly("admin.role", "admin.reset", "admin.enable", "admin.disable", "admin.create");
        assertThat(gw.store().audit().pageFor("vera", Long.MAX_VALUE, 10)).allSatisfy(e -> {
            assertThat(e.actor()).isEqualTo("cli:tester");
            assertThat(e.source()).isEqualTo("local");
        });
    }

    @Test
    void aBadTokenRequestIsInvalidNotAnInternalError() {
        assertThat(server.handle("{\"op\":\"createApiToken\",\"actor\":\"cli:x\",\"name\":\"a\",\"scope\":\"root\"}")
                .toString()).contains("\"kind\":\"INVALID\"").contains("token scope 'root' is not one of");
        assertThat(server.handle("{\"op\":\"createApiToken\",\"actor\":\"cli:x\",\"name\":\"a\",\"scope\":\"admin\","
                + "\"expiresAt\":\"tomorrow\"}").toString()).contains("\"kind\":\"INVALID\"");
        assertThat(gw.store().tokens().list()).isEmpty();
    }

    @Test
    void theMetricHistoryAndTheProcessTravelOverTheSocket() {
        MetricHistoryView day = cli.metricHistory(MetricHistoryView.Resolution.ONE_MINUTE);
        assertThat(day.resolution()).isEqualTo(MetricHistoryView.Resolution.ONE_MINUTE);
        assertThat(day.stepSeconds()).isEqualTo(60);
        assertThat(day.end()).isNotNull();
        assertThat(day.messagesIn()).hasSize(day.points());
        assertThat(day.heapUsedBytes()).hasSize(day.points());
        assertThat(day.errorsByCode().keySet())
                .containsExactly(Arrays.stream(ErrorCode.values()).map(Enum::name).toArray(String[]::new));

        ProcessView process = cli.processInfo();
        assertThat(process.startedAt()).isEqualTo(gw.gateway().admin().stats().startedAt());
        assertThat(process.version()).isNotBlank();
        assertThat(process.heapUsedBytes()).isPositive();
        assertThat(process.processors()).isPositive();
        assertThat(server.handle("{\"op\":\"metricHistory\",\"actor\":\"cli:x\",\"resolution\":\"HOURLY\"}")
                .toString()).contains("\"kind\":\"INVALID\"");
    }

    @Test
    void theKeyStoreBackupTravelsToTheCliOverTheSocket() throws Exception {
        gw.enrol("sensor-1");
        gw.enrol("sensor-2");
        java.nio.file.Path elsewhere = java.nio.file.Files.createDirectories(dir.resolve("cli-side"));
        java.nio.file.Path copy = elsewhere.resolve("store.zip");
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(copy)) {
            cli.backupStore(out, "/backups/gw.zip", CLI);
        }
        assertThat(cli.clients()).as("the connection serves the next request").hasSize(2);
        try (var left = java.nio.file.Files.list(dir.resolve("data"))) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no copy left beside the store")
                    .noneMatch(n -> n.contains("backup"));
        }
        org.edgegateway.keys.KeyStore.restore(copy, dir.resolve("restored"));
        try (org.edgegateway.keys.KeyStore restored = org.edgegateway.keys.KeyStore.open(
                org.edgegateway.keys.KeyStore.fileUrl(dir.resolve("restored")))) {
            assertThat(restored.clients().list()).extracting(org.edgegateway.keys.ClientRecord::name)
                    .containsExactly("sensor-1", "sensor-2");
        }
        assertThat(gw.store().audit().page(Long.MAX_VALUE, 5)).first().satisfies(e -> {
            assertThat(e.action()).isEqualTo("store.backup");
            assertThat(e.actor()).isEqualTo("cli:tester");
            assertThat(e.detail()).isEqualTo("to /backups/gw.zip");
        });
    }

    @Test
    void aPageOfClientsTheAuditLogFilteredAndAClientsHistoryTravelOverTheSocket() {
        gw.enrol("sensor-1");
        gw.enrol("sensor-2");
        gw.enrol("other");
        cli.quarantine("sensor-2", "noisy", null, CLI);
        org.edgegateway.core.admin.ClientPage page = cli.clientPage(new org.edgegateway.core.admin.ClientQuery(
                new org.edgegateway.keys.ClientFilter("sensor", null), org.edgegateway.core.admin.ClientSort.STATUS,
                true, 0, 1));
        assertThat(page.total()).isEqualTo(2);
        assertThat(page.sort()).isEqualTo(org.edgegateway.core.admin.ClientSort.STATUS);
        assertThat(page.order()).isEqualTo("desc");
        assertThat(page.clients()).extracting(org.edgegateway.core.admin.ClientView::name).containsExactly("sensor-2");

        org.edgegateway.keys.AuditFilter quarantines = new org.edgegateway.keys.AuditFilter("cli:tester",
                java.util.List.of("client.quarantine"), "sensor-2", null, null);
        assertThat(cli.audit(quarantines, Long.MAX_VALUE, 0, 10)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("until released: noisy"));
        assertThat(cli.audit(org.edgegateway.keys.AuditFilter.NONE, Long.MAX_VALUE, 1, 2)).hasSize(2);
        assertThat(server.handle("{\"op\":\"audit\",\"actor\":\"cli:x\",\"filter\":{\"actions\":[\"a b\"]}}")
                .toString()).contains("\"kind\":\"INVALID\"").contains("action 'a b' may only contain");
        assertThat(server.handle("{\"op\":\"clientPage\",\"actor\":\"cli:x\",\"query\":{\"limit\":0}}")
                .toString()).contains("\"kind\":\"INVALID\"").contains("limit 0 is not in 1..500");

        assertThat(cli.connectionHistory("sensor-1")).isEmpty();
        assertThat(cli.clientRates("sensor-1").stepSeconds()).isEqualTo(10);
        assertThat(cli.clientRates("sensor-1").messages()).isEmpty();
    }
}
