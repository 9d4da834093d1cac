package org.edgegateway.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.plugins.testplugins.EchoHandler;
import org.edgegateway.core.plugins.testplugins.SecondEchoHandler;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.core.router.Route;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin host over real PF4J plugin zips, without a gateway around it. */
class PluginHostTest {
    static final String REQUIRES = ">=1.1.0 & <2.0.0";

    @TempDir
    Path dir;
    GatewayHome home;
    Path publisherKey;

    @BeforeEach
    void setUp() {
        home = new GatewayHome(dir.resolve("home"));
        publisherKey = dir.resolve("publisher.key");
        PluginSignatures.generate(publisherKey, dir.resolve("publisher.pub"), "tests");
    }

    PluginHost start(PluginHostConfig config) {
        return PluginHost.start(config, ClientPush.NONE);
    }

    PluginHostConfig config() {
        return PluginHostConfig.defaults(home, null);
    }

    void trustPublisher() {
        new TrustedPublishers(home.keys().resolve("publishers")).trust(dir.resolve("publisher.pub"));
    }

    Path echoPlugin(String version) {
        Path zip = TestPlugins.zip(home.plugins(), "echo", version, REQUIRES, EchoHandler.class);
        PluginSignatures.sign(zip, publisherKey);
        return zip;
    }

    static HandlerMessage message(String type, String payload) {
        return new HandlerMessage("sensor-1", "key", type, payload.getBytes(StandardCharsets.UTF_8), Instant.now(),
                "127.0.0.1:1");
    }

    /** Calls the handler a route leads to, directly (the router's part is tested with a real gateway). */
    static HandlerResult call(PluginHost host, String type, String payload) throws Exception {
        Route r = host.route(type);
        assertThat(r).as("route of " + type).isNotNull();
        return r.handler().handle(message(type, payload));
    }

    @Test
    void aSignedTrustedPluginServesItsTypeWithOneCachedHandler() throws Exception {
        trustPublisher();
        echoPlugin("1.0.0");
        try (PluginHost host = start(config())) {
            assertThat(host.list()).singleElement().satisfies(p -> {
                assertThat(p.id()).isEqualTo("echo");
                assertThat(p.state()).isEqualTo(PluginState.STARTED);
                assertThat(p.types()).containsExactly("ECHO");
                assertThat(p.publisher()).hasSize(32);
            });
            assertThat(call(host, "ECHO", "hi")).isEqualTo(HandlerResult.ack("v1.0.0 hi"));
            assertThat(host.route("ECHO")).isSameAs(host.route("ECHO"));
            assertThat(host.route("ECHO").lane().name()).isEqualTo("echo");
            assertThat(host.route("ECHO").nonBlocking()).as("a handler is blocking unless it says otherwise").isFalse();
            assertThat(host.metrics("echo")).containsEntry("host_calls", 0L);
        }
    }

    @Test
    void unsignedTamperedAndUntrustedPluginsAreRefusedAndListedWithTheReason() throws Exception {
        Path unsigned = TestPlugins.zip(home.plugins(), "a-unsigned", "1.0.0", REQUIRES, EchoHandler.class);
        Path tampered = TestPlugins.zip(home.plugins(), "b-tampered", "1.0.0", REQUIRES, EchoHandler.class);
        PluginSignatures.sign(tampered, publisherKey);
        byte[] bytes = Files.readAllBytes(tampered);
        bytes[bytes.length / 2] ^= 1;
        Files.write(tampered, bytes);
        Path untrusted = TestPlugins.zip(home.plugins(), "c-untrusted", "1.0.0", REQUIRES, EchoHandler.class);
        PluginSignatures.generate(dir.resolve("stranger.key"), dir.resolve("stranger.pub"), null);
        PluginSignatures.sign(untrusted, dir.resolve("stranger.key"));
        trustPublisher();

        try (PluginHost host = start(config())) {
            assertThat(host.list()).extracting(PluginInfo::state).containsOnly(PluginState.REFUSED);
            assertThat(host.list()).extracting(PluginInfo::reason).satisfiesExactly(
                    r -> assertThat(r).startsWith("unsigned"),
                    r -> assertThat(r).contains("does not match the file"),
                    r -> assertThat(r).startsWith("signed by untrusted publisher key"));
            assertThat(host.types()).isEmpty();
            assertThat(host.route("ECHO")).isNull();
        }
        try (PluginHost host = start(config().withAllowUnsigned(true))) {
            assertThat(host.route("ECHO")).isNotNull();
        }
    }

    @Test
    void theBundlesOwnKeyIsTrustedForItsPluginsOnlyAndNeverStoredInTheHome() throws Exception {
        Path bundle = Files.createDirectories(dir.resolve("bundle/plugins"));
        Path bundleKeys = Files.createDirectories(dir.resolve("bundle/conf/publishers"));
        Files.copy(dir.resolve("publisher.pub"), bundleKeys.resolve(TrustedPublishers.DEV_KEY_FILE));
        PluginSignatures.sign(TestPlugins.zip(bundle, "builtin-echo", "1.0.0", REQUIRES, EchoHandler.class), publisherKey);
        // A third party cannot ride on the bundle's key: it counts for the bundle's own plugins alone.
        PluginSignatures.sign(TestPlugins.zip(home.plugins(), "rider", "1.0.0", REQUIRES, EchoHandler.class), publisherKey);
        String fingerprint = PluginSignatures.readPublicKey(dir.resolve("publisher.pub")).fingerprint();

        try (PluginHost host = start(PluginHostConfig.defaults(home, bundle, bundleKeys))) {
            PluginInfo builtin = host.plugin("builtin-echo").orElseThrow();
            assertThat(builtin.state()).isEqualTo(PluginState.STARTED);
            assertThat(builtin.builtin()).isTrue();
            assertThat(builtin.publisher()).isEqualTo(fingerprint);
            // Refused before its archive is read: known by its file name.
            PluginInfo rider = host.plugin("rider.zip").orElseThrow();
            assertThat(rider.state()).isEqualTo(PluginState.REFUSED);
            assertThat(rider.reason()).startsWith("signed by untrusted publisher key " + fingerprint);
            assertThat(host.publishers().entries()).singleElement().satisfies(e -> {
                assertThat(e.bundled()).isTrue();
                assertThat(e.developmentKey()).isTrue();
            });
        }
        Path stored = home.keys().resolve("publishers");
        if (Files.isDirectory(stored)) {
            try (var files = Files.list(stored)) {
                assertThat(files).as("nothing copied into HOME/keys/publishers").isEmpty();
            }
        }
        try (PluginHost next = start(PluginHostConfig.defaults(home, bundle, null))) {
            assertThat(next.plugin("builtin-echo.zip").orElseThrow().state()).as("no key left behind").isEqualTo(PluginState.REFUSED);
        }
    }

    @Test
    void trustedKeysCarryTheirCommentAndTheOldBuildKeysAreRecognised() throws Exception {
        TrustedPublishers trusted = new TrustedPublishers(home.keys().resolve("publishers"));
        trusted.trust(dir.resolve("publisher.pub"));
        PluginSignatures.generate(dir.resolve("old.key"), dir.resolve("old.pub"), TrustedPublishers.OLD_BUILD_KEY_COMMENT);
        trusted.trust(Files.readString(dir.resolve("old.pub")));
        assertThat(trusted.entries()).extracting(TrustedPublishers.Entry::comment)
                .containsExactlyInAnyOrder("tests", TrustedPublishers.OLD_BUILD_KEY_COMMENT);
        assertThat(trusted.entries()).filteredOn(TrustedPublishers.Entry::copiedBuildKey).singleElement()
                .satisfies(e -> assertThat(e.key()).isEqualTo(PluginSignatures.readPublicKey(dir.resolve("old.pub"))));
        assertThatThrownBy(() -> trusted.trust(Files.readString(dir.resolve("old.key"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("private key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(Files.readString(dir.resolve("old.key")).strip()));
        assertThatThrownBy(() -> trusted.trust("ed25519 not-base64!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> trusted.distrust("../../etc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPluginForAnotherSpiVersionIsRefusedNamingBoth() {
        trustPublisher();
        Path zip = TestPlugins.zip(home.plugins(), "future", "1.0.0", ">=2.0.0", EchoHandler.class);
        PluginSignatures.sign(zip, publisherKey);
        try (PluginHost host = start(config())) {
            assertThat(host.list()).singleElement().satisfies(p -> {
                assertThat(p.state()).isEqualTo(PluginState.REFUSED);
                assertThat(p.reason()).isEqualTo("requires plugin SPI >=2.0.0 but this gateway provides "
                        + org.edgegateway.plugin.api.Spi.VERSION);
            });
        }
    }

    @Test
    void theSecondPluginClaimingATypeIsRefusedUnlessConfigurationChoosesIt() throws Exception {
        trustPublisher();
        echoPlugin("1.0.0");
        Path second = TestPlugins.zip(home.plugins(), "echo2", "1.0.0", REQUIRES, SecondEchoHandler.class);
        PluginSignatures.sign(second, publisherKey);
        try (PluginHost host = start(config())) {
            assertThat(host.plugin("echo2").orElseThrow().reason())
                    .isEqualTo("type ECHO is claimed by both plugin echo (echo.zip) and plugin echo2 (echo2.zip); "
                            + "set plugins.type-owners to choose");
            assertThat(call(host, "ECHO", "x").detail()).isEqualTo("v1.0.0 x");
        }
        try (PluginHost host = start(config().withTypeOwners(Map.of("ECHO", "echo2")))) {
            assertThat(call(host, "ECHO", "x").detail()).isEqualTo("second x");
            assertThat(host.plugin("echo").orElseThrow().state()).isEqualTo(PluginState.REFUSED);
        }
    }

    @Test
    void stopStartReloadUnloadAndInstallWhileRunning() throws Exception {
        trustPublisher();
        try (PluginHost host = start(config())) {
            assertThat(host.list()).isEmpty();
            Path built = TestPlugins.zip(dir.resolve("upload"), "echo", "1.0.0", REQUIRES, EchoHandler.class);
            Path sig = PluginSignatures.sign(built, publisherKey);
            PluginInfo installed = host.install("echo.zip", Files.readAllBytes(built), Files.readAllBytes(sig));
            assertThat(installed.state()).isEqualTo(PluginState.STARTED);
            assertThat(call(host, "ECHO", "a").detail()).isEqualTo("v1.0.0 a");

            Route old = host.route("ECHO");
            long before = host.version();
            assertThat(host.stop("echo").state()).isEqualTo(PluginState.STOPPED);
            assertThat(host.route("ECHO")).isNull();
            assertThat(host.version()).as("the router sees the change").isGreaterThan(before);
            assertThat(old.lane().isOpen()).as("the stopped plugin's lane takes no call").isFalse();

            assertThat(host.start("echo").state()).isEqualTo(PluginState.STARTED);
            assertThat(call(host, "ECHO", "b").detail()).isEqualTo("v1.0.0 b");

            echoPlugin("1.0.1");
            assertThat(host.reload("echo").version()).isEqualTo("1.0.1");
            assertThat(call(host, "ECHO", "c").detail()).isEqualTo("v1.0.1 c");

            Path forged = TestPlugins.zip(dir.resolve("forged"), "echo", "6.6.6", REQUIRES, EchoHandler.class);
            PluginInfo refused = host.install("echo.zip", Files.readAllBytes(forged), Files.readAllBytes(sig));
            assertThat(refused.state()).isEqualTo(PluginState.REFUSED);
            assertThat(host.route("ECHO")).isNull();

            host.unload("echo");
            assertThat(host.list()).isEmpty();
            assertThatThrownBy(() -> host.stop("echo")).hasMessage("no plugin with id echo");
            assertThatThrownBy(() -> host.install("../x.zip", new byte[0], null)).hasMessageContaining("../x.zip");
        }
    }

    @Test
    void clientNamesBecomeSafeFolderNames() {
        assertThat(HostContext.safeName("sensor-1")).isEqualTo("sensor-1");
        assertThat(HostContext.safeName("../../keys")).startsWith("_._.._keys-").doesNotContain("/");
        assertThat(HostContext.safeName("..")).startsWith("_.-");
        assertThat(HostContext.safeName("a/b")).isNotEqualTo(HostContext.safeName("a\\b"));
        assertThat(HostContext.safeName("x".repeat(300))).hasSizeLessThanOrEqualTo(64);
    }
}
