package org.edgegateway.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.PublisherView;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.control.ControlClient;
import org.edgegateway.core.control.ControlServer;
import org.edgegateway.core.plugins.testplugins.EchoHandler;
import org.edgegateway.keys.AuditEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating a publisher key on a running gateway, as an admin does it from the CLI (through the control
 * socket): trust the new key, install the plugin signed with it, untrust the old key. Real PF4J plugins,
 * real gateway, real key store.
 */
@Timeout(120)
class PublisherRotationTest {
    private static final Actor CLI = new Actor("cli:tester", "local");

    @TempDir
    Path dir;

    private static PluginInfo echo(AdminService admin) {
        // Refused before its archive was read, a plugin is known by its file name (nothing in an
        // unverified archive is parsed); once started, by its id.
        return admin.plugins().stream().filter(p -> p.id().equals("echo") || p.id().equals("echo.zip")).findFirst()
                .orElseThrow();
    }

    @Test
    void trustInstallUntrustOnARunningGatewayAudited() throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        PluginSignatures.generate(dir.resolve("old.key"), dir.resolve("old.pub"), "acme 2025");
        PluginSignatures.generate(dir.resolve("new.key"), dir.resolve("new.pub"), "acme 2026");
        String oldKey = PluginSignatures.readPublicKey(dir.resolve("old.pub")).fingerprint();
        String newKey = PluginSignatures.readPublicKey(dir.resolve("new.pub")).fingerprint();
        Path v1 = TestPlugins.zip(home.plugins(), "echo", "1.0.0", PluginHostTest.REQUIRES, EchoHandler.class);
        PluginSignatures.sign(v1, dir.resolve("old.key"));

        try (PluginHost host = PluginHost.start(PluginHostConfig.defaults(home, null), ClientPush.NONE);
             PluginGateway gw = new PluginGateway(dir, host, 2);
             ControlServer server = ControlServer.start(dir.resolve("control.sock"), gw.gateway().admin());
             ControlClient cli = ControlClient.connect(dir.resolve("control.sock")).orElseThrow()) {
            assertThat(echo(cli).state()).isEqualTo(PluginState.REFUSED);

            PublisherView trusted = cli.trustPublisher(Files.readString(dir.resolve("old.pub")), CLI);
            assertThat(trusted.fingerprint()).isEqualTo(oldKey);
            assertThat(trusted.comment()).isEqualTo("acme 2025");
            assertThat(cli.controlPlugin("echo.zip", AdminService.PluginAction.START, CLI).publisher()).isEqualTo(oldKey);

            // Rotation: the new key first; the old one cannot go while the running plugin depends on it.
            cli.trustPublisher(Files.readString(dir.resolve("new.pub")), CLI);
            assertThatThrownBy(() -> cli.untrustPublisher(oldKey, false, CLI))
                    .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.CONFLICT))
                    .hasMessageContaining("plugins echo run verified by key " + oldKey);
            Path v2 = TestPlugins.zip(dir.resolve("upload"), "echo", "2.0.0", PluginHostTest.REQUIRES, EchoHandler.class);
            Path sig = PluginSignatures.sign(v2, dir.resolve("new.key"));
            PluginInfo installed = cli.installPlugin(v1.getFileName().toString(), Files.readAllBytes(v2),
                    Files.readAllBytes(sig), CLI);
            assertThat(installed.state()).isEqualTo(PluginState.STARTED);
            assertThat(installed.publisher()).isEqualTo(newKey);
            cli.untrustPublisher(oldKey, false, CLI);
            assertThat(cli.publishers()).extracting(PublisherView::fingerprint).containsExactly(newKey);
            assertThat(Files.exists(home.keys().resolve("publishers").resolve(oldKey + ".pub"))).isFalse();

            assertThatThrownBy(() -> cli.untrustPublisher(oldKey, false, CLI))
                    .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.NOT_FOUND));
            assertThatThrownBy(() -> cli.untrustPublisher("not-a-key", false, CLI))
                    .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.INVALID));
            assertThatThrownBy(() -> cli.trustPublisher(Files.readString(dir.resolve("new.key")), CLI))
                    .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.INVALID))
                    .hasMessageContaining("private key");

            // Forced: the plugin keeps running on a key no longer trusted, and is refused at its reload.
            cli.untrustPublisher(newKey, true, CLI);
            assertThat(echo(cli).state()).isEqualTo(PluginState.STARTED);
            assertThat(cli.controlPlugin("echo", AdminService.PluginAction.RELOAD, CLI).state()).isEqualTo(PluginState.REFUSED);

            assertThat(gw.gateway().admin().audit(Long.MAX_VALUE, 50)).extracting(AuditEntry::action, AuditEntry::subject,
                    AuditEntry::actor).contains(
                    org.assertj.core.groups.Tuple.tuple("plugin.trust", oldKey, "cli:tester"),
                    org.assertj.core.groups.Tuple.tuple("plugin.trust", newKey, "cli:tester"),
                    org.assertj.core.groups.Tuple.tuple("plugin.untrust", oldKey, "cli:tester"),
                    org.assertj.core.groups.Tuple.tuple("plugin.untrust", newKey, "cli:tester"));
            assertThat(gw.gateway().admin().audit(Long.MAX_VALUE, 50)).filteredOn(e -> e.subject() != null
                    && e.subject().equals(newKey) && e.action().equals("plugin.untrust")).singleElement()
                    .satisfies(e -> assertThat(e.detail()).isEqualTo("forced; still running until reloaded: echo"));
        }
    }
}
