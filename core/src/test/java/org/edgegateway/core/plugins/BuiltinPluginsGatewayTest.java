package org.edgegateway.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.plugins.PluginGateway.exchange;
import static org.edgegateway.core.plugins.PluginGateway.receive;
import static org.edgegateway.core.plugins.PluginGateway.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.edgegateway.core.admin.RecentMessage;
import org.edgegateway.core.config.GatewayHome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/** The built-in STRING, JSON and BINARY plugins, as built by their modules, behind a real gateway. */
class BuiltinPluginsGatewayTest {
    @TempDir
    static Path dir;
    static GatewayHome home;
    static PluginHost host;
    static PluginGateway gw;
    static ZMQ.Socket sensor;

    @BeforeAll
    static void start() throws Exception {
        home = new GatewayHome(dir.resolve("home"));
        Path bundle = dir.resolve("bundle-plugins");
        Files.createDirectories(bundle);
        PluginSignatures.generate(dir.resolve("release.key"), dir.resolve("release.pub"), "release");
        for (String name : List.of("string", "json", "binary")) {
            Path zip = Files.copy(TestPlugins.builtin(name), bundle.resolve("edge-gateway-plugin-" + name + ".zip"));
            PluginSignatures.sign(zip, dir.resolve("release.key"));
        }
        new TrustedPublishers(home.keys().resolve("publishers")).trust(dir.resolve("release.pub"));
        Files.createDirectories(home.conf().resolve("plugins"));
        Files.writeString(home.conf().resolve("plugins").resolve("binary.properties"), "file-size=10\nkeep-files=2\n");
        host = PluginHost.start(PluginHostConfig.defaults(home, bundle), ClientPush.NONE);
        gw = new PluginGateway(dir, host, 4);
        sensor = gw.dealer("sensor-1");
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void allThreeAreSignedBuiltinsServingTheirTypes() {
        assertThat(host.list()).extracting(PluginInfo::id).containsExactly("binary", "json", "string");
        assertThat(host.list()).allSatisfy(p -> {
            assertThat(p.state()).isEqualTo(PluginState.STARTED);
            assertThat(p.builtin()).isTrue();
            assertThat(p.publisher()).isNotEmpty();
        });
        assertThat(host.types()).containsExactlyInAnyOrder("STRING", "JSON", "BINARY");
    }

    @Test
    void stringAcceptsUtf8AndRefusesTheRest() {
        assertThat(exchange(sensor, "STRING", "héllo")).containsExactly("ACK", "STRING received (6 bytes)");
        send(sensor, "STRING", new byte[] {(byte) 0xc3, (byte) 0x28});
        assertThat(receive(sensor)).containsExactly("ERROR", "BAD_PAYLOAD: STRING payload is not valid UTF-8");
    }

    @Test
    void jsonIsStoredAsJsonLinesPerClientAndMalformedJsonNamesThePosition() throws Exception {
        ZMQ.Socket s = gw.dealer("json-sensor");
        assertThat(exchange(s, "JSON", "{\"temperature\": 25.5}")).containsExactly("ACK", "JSON received (21 bytes)");
        assertThat(exchange(s, "JSON", "[1,2]")).containsExactly("ACK", "JSON received (5 bytes)");
        List<String> bad = exchange(s, "JSON", "{\"temperature\": ");
        assertThat(bad.get(0)).isEqualTo("ERROR");
        assertThat(bad.get(1)).startsWith("BAD_PAYLOAD: malformed JSON at line 1, column ");

        Path file = home.data().resolve("plugins").resolve("json").resolve("json-sensor").resolve("messages.jsonl");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.get("client").asText()).isEqualTo("json-sensor");
        assertThat(first.get("receivedAt").asText()).isNotEmpty();
        assertThat(first.get("message").get("temperature").asDouble()).isEqualTo(25.5);
        assertThat(gw.gateway().admin().recentMessages("json-sensor", 10)).extracting(RecentMessage::outcome)
                .containsExactly("BAD_PAYLOAD", "ACK", "ACK");
    }

    @Test
    void binaryIsAppendedRotatedAndCappedPerClient() throws Exception {
        ZMQ.Socket s = gw.dealer("bin.sensor");
        for (int i = 0; i < 5; i++) {
            send(s, "BINARY", new byte[] {(byte) i, 1, 2, 3, 4, 5, 6});
            assertThat(receive(s)).containsExactly("ACK", "BINARY received (7 bytes)");
        }
        Path binary = home.data().resolve("plugins").resolve("binary");
        List<Path> folders;
        try (Stream<Path> list = Files.list(binary)) {
            folders = list.filter(p -> p.getFileName().toString().equals("bin.sensor")).toList();
        }
        assertThat(folders).singleElement().satisfies(f -> {
            assertThat(f.getParent()).isEqualTo(binary);
            assertThat(Files.readAllBytes(f.resolve("data.bin"))).containsExactly(4, 1, 2, 3, 4, 5, 6);
            assertThat(f.resolve("data.bin.3")).exists();
            assertThat(f.resolve("data.bin.4")).exists();
            assertThat(f.resolve("data.bin.1")).doesNotExist();
        });
    }

    @Test
    void jsonRequiredFieldsComeFromThePluginsOwnConfiguration() throws Exception {
        Files.writeString(home.conf().resolve("plugins").resolve("json.properties"), "required-fields=id,value\n",
                StandardCharsets.UTF_8);
        try {
            assertThat(host.reload("json").state()).isEqualTo(PluginState.STARTED);
            ZMQ.Socket s = gw.dealer("strict-sensor");
            assertThat(exchange(s, "JSON", "{\"id\":1}")).containsExactly("ERROR",
                    "BAD_PAYLOAD: JSON payload lacks the required field 'value'");
            assertThat(exchange(s, "JSON", "{\"id\":1,\"value\":2}").get(0)).isEqualTo("ACK");
        } finally {
            Files.delete(home.conf().resolve("plugins").resolve("json.properties"));
            host.reload("json");
        }
    }
}
