package org.edgegateway.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.plugins.testplugins.EchoHandler;
import org.edgegateway.core.testing.PluginZips;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A plugin's id comes from an archive that may be hostile: it is only read once the signature
 * verified, it must be a plain name, and it names a folder of the plugins' own
 * ({@code HOME/data/plugins/<id>}), never one of the gateway's. Real PF4J zips, real files.
 */
class PluginIdsTest {
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
        new TrustedPublishers(home.keys().resolve("publishers")).trust(dir.resolve("publisher.pub"));
    }

    private Path signedPlugin(String file, String id) {
        Path zip = PluginZips.zip(home.plugins(), file, PluginZips.descriptor(id, "1.0.0", REQUIRES), EchoHandler.class);
        PluginSignatures.sign(zip, publisherKey);
        return zip;
    }

    private static long filesUnder(Path p) throws Exception {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(p)) {
            return all.count();
        }
    }

    @Test
    void anIdThatIsAPathIsRefusedAndNoFolderIsMadeOutsideThePluginData() throws Exception {
        signedPlugin("traversal", "../../outside");
        Path elsewhere = dir.resolve("elsewhere").toAbsolutePath();
        signedPlugin("absolute", elsewhere.toString());
        signedPlugin("dots", "..");
        try (PluginHost host = PluginHost.start(PluginHostConfig.defaults(home, null), ClientPush.NONE)) {
            assertThat(host.list()).hasSize(3).allSatisfy(p -> {
                assertThat(p.state()).isEqualTo(PluginState.REFUSED);
                assertThat(p.reason()).contains("is not a valid id");
                assertThat(p.types()).isEmpty();
            });
            assertThat(host.list()).extracting(PluginInfo::id)
                    .containsExactlyInAnyOrder("absolute.zip", "dots.zip", "traversal.zip");
        }
        assertThat(dir.resolve("outside")).doesNotExist();
        assertThat(home.root().resolve("outside")).doesNotExist();
        assertThat(elsewhere).doesNotExist();
        assertThat(filesUnder(home.data().resolve("plugins"))).as("only the data root itself").isEqualTo(1);
    }

    @Test
    void aPluginCalledLikeAPartOfTheGatewayGetsAFolderOfItsOwn() throws Exception {
        Files.createDirectories(home.data().resolve("uplink"));
        Files.writeString(home.data().resolve("uplink").resolve("queue.mv.db"), "the edge's queue");
        signedPlugin("uplink-plugin", "uplink");
        try (PluginHost host = PluginHost.start(PluginHostConfig.defaults(home, null), ClientPush.NONE)) {
            assertThat(host.plugin("uplink")).get().extracting(PluginInfo::state).isEqualTo(PluginState.STARTED);
        }
        assertThat(home.data().resolve("plugins").resolve("uplink")).isDirectory();
        assertThat(home.data().resolve("uplink")).isDirectoryContaining(p -> p.getFileName().toString().equals("queue.mv.db"));
        assertThat(Files.list(home.data().resolve("uplink")).count()).as("nothing added to the uplink's folder").isEqualTo(1);
    }

    @Test
    void theSignatureIsCheckedBeforeAnythingInTheArchiveIsRead() throws Exception {
        // Not even a zip: an untrusted file is refused for its signature, unread.
        Files.createDirectories(home.plugins());
        Files.write(home.plugins().resolve("garbage.zip"), "PK\u0003\u0004 this is no archive".getBytes(StandardCharsets.UTF_8));
        Path untrusted = PluginZips.zip(home.plugins(), "untrusted", PluginZips.descriptor("../../x", "1.0.0", REQUIRES),
                EchoHandler.class);
        PluginSignatures.generate(dir.resolve("other.key"), dir.resolve("other.pub"), "someone else");
        PluginSignatures.sign(untrusted, dir.resolve("other.key"));
        try (PluginHost host = PluginHost.start(PluginHostConfig.defaults(home, null), ClientPush.NONE)) {
            assertThat(host.plugin("garbage.zip")).get().satisfies(p -> {
                assertThat(p.state()).isEqualTo(PluginState.REFUSED);
                assertThat(p.reason()).startsWith("unsigned");
            });
            assertThat(host.plugin("untrusted.zip")).get().satisfies(p -> {
                assertThat(p.state()).isEqualTo(PluginState.REFUSED);
                assertThat(p.reason()).contains("untrusted publisher key").doesNotContain("../");
            });
        }
    }

    @Test
    void theBuiltInPluginsDataMovesIntoThePluginDataFolderOnceAndTheLogSaysSo() throws Exception {
        Path oldJson = Files.createDirectories(home.data().resolve("json").resolve("sensor-1"));
        Files.writeString(oldJson.resolve("2026-01-01.jsonl"), "{\"t\":1}\n");
        Files.createDirectories(home.data().resolve("string"));
        Files.createDirectories(home.data().resolve("plugins").resolve("string"));
        Files.writeString(home.data().resolve("keystore.mv.db"), "not a plugin's");

        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(PluginHost.class);
        logger.addAppender(logs);
        try {
            PluginHost.start(PluginHostConfig.defaults(home, null), ClientPush.NONE).close();
            assertThat(home.data().resolve("plugins/json/sensor-1/2026-01-01.jsonl")).hasContent("{\"t\":1}");
            assertThat(home.data().resolve("json")).doesNotExist();
            assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().startsWith(
                    "plugins: moved the data of built-in plugin json from " + home.data().resolve("json")));
            // Both there: the old one is left alone, and said so.
            assertThat(home.data().resolve("string")).isDirectory();
            assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().startsWith("plugins: both "
                    + home.data().resolve("string")));
            assertThat(home.data().resolve("keystore.mv.db")).exists();

            logs.list.clear();
            PluginHost.start(PluginHostConfig.defaults(home, null), ClientPush.NONE).close();
            assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("moved the data"));
            assertThat(home.data().resolve("plugins/json/sensor-1/2026-01-01.jsonl")).exists();
        } finally {
            logger.detachAppender(logs);
        }
    }
}
