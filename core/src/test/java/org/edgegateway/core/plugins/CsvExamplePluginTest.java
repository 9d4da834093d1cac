package org.edgegateway.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.protocol.Push;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/**
 * The third-party example under plugins/examples/csv, built on its own with Maven against the
 * installed plugin API, signed by its publisher, refused until trusted, then served by a gateway.
 */
class CsvExamplePluginTest {
    @TempDir
    static Path dir;
    static Path built;

    @BeforeAll
    static void buildTheExample() throws Exception {
        Path root = TestPlugins.repositoryRoot();
        // The example resolves the API from the local repository, as a third party would: put it there.
        run(root, "mvn", "-q", "-B", "-N", "install");
        run(root, "mvn", "-q", "-B", "-f", "plugins/api/pom.xml", "install", "-DskipTests");
        run(root, "mvn", "-q", "-B", "-f", "plugins/examples/csv/pom.xml", "package");
        built = root.resolve("plugins/examples/csv/target/csv-plugin-1.0.0.zip");
        assertThat(built).exists();
    }

    static void run(Path dir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(CsvExamplePluginTest.dir, "mvn", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 600 s");
        }
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + Files.readString(log)).isZero();
    }

    @Test
    void theExampleIsRefusedUntilItsPublisherIsTrustedThenServesCsvAndPushes() throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        Files.createDirectories(home.plugins());
        Path installed = Files.copy(built, home.plugins().resolve("csv-plugin-1.0.0.zip"));
        PluginSignatures.generate(dir.resolve("example.key"), dir.resolve("example.pub"), "Example Sensors Ltd");
        PluginSignatures.sign(installed, dir.resolve("example.key"));
        Files.createDirectories(home.conf().resolve("plugins"));
        Files.writeString(home.conf().resolve("plugins/csv.properties"), "alert-above=50\n");

        AtomicReference<PluginGateway> gateway = new AtomicReference<>();
        ClientPush push = (client, type, payload) -> {
            PluginGateway g = gateway.get();
            if (g == null) {
                return CompletableFuture.completedFuture(false);
            }
            return g.gateway().admin().client(client).map(ClientView::publicKey)
                    .map(key -> g.gateway().router().push(key, new Push(type, payload)))
                    .orElse(CompletableFuture.completedFuture(false));
        };
        try (PluginHost host = PluginHost.start(PluginHostConfig.defaults(home, null), push);
             PluginGateway gw = new PluginGateway(dir, host, 4)) {
            gateway.set(gw);
            // Refused before its archive is read, so known by its file name until then.
            assertThat(host.plugin("csv")).isEmpty();
            assertThat(host.plugin("csv-plugin-1.0.0.zip").orElseThrow().state()).isEqualTo(PluginState.REFUSED);
            assertThat(host.plugin("csv-plugin-1.0.0.zip").orElseThrow().reason())
                    .startsWith("signed by untrusted publisher key");

            host.trust(dir.resolve("example.pub"));
            PluginInfo started = host.start("csv-plugin-1.0.0.zip");
            assertThat(started.id()).isEqualTo("csv");
            assertThat(started.state()).isEqualTo(PluginState.STARTED);
            assertThat(started.provider()).isEqualTo("Example Sensors Ltd");
            assertThat(started.types()).containsExactly("CSV");

            ZMQ.Socket s = gw.dealer("field-unit-7");
            assertThat(PluginGateway.exchange(s, "CSV", "temperature,21.5\nhumidity,40"))
                    .containsExactly("ACK", "2 readings");
            assertThat(PluginGateway.exchange(s, "CSV", "temperature,warm"))
                    .containsExactly("ERROR", "BAD_PAYLOAD: line 1: 'warm' is not a number");

            PluginGateway.send(s, "CSV", "temperature,55");
            List<List<String>> got = new ArrayList<>();
            got.add(PluginGateway.receive(s));
            got.add(PluginGateway.receive(s));
            assertThat(got).containsExactlyInAnyOrder(List.of("ACK", "1 readings"),
                    List.of("EGW/1", "", "ALERT", "temperature is 55.0"));
            assertThat(host.metrics("csv")).containsEntry("readings", 3L);
            assertThat(new String(Files.readAllBytes(home.keys().resolve("publishers")
                    .resolve(started.publisher() + ".pub")), StandardCharsets.US_ASCII)).contains("Example Sensors Ltd");
        }
    }
}
