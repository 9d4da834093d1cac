package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgegateway.core.testing.CrashHandler;
import org.edgegateway.core.testing.PluginZips;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle as a process whose router thread dies: the process must end with a non-zero exit code
 * (systemd's {@code Restart=on-failure} then starts a new one), not stay up serving nobody. The
 * router is killed by a plugin (unsigned, allowed for this test) whose failure cannot be described.
 */
class OwnerDeathIT {

    @Test
    void aDeadRouterThreadEndsTheProcessWithANonZeroExitCode(@TempDir Path dir) throws Exception {
        Path base = Path.of(System.getProperty("egw.bundle"));
        Path home = dir.resolve("home");
        PluginZips.zip(home.resolve("plugins"), "crash", PluginZips.descriptor("crash", "1.0.0", "*"), CrashHandler.class);
        String endpoint = "tcp://127.0.0.1:" + BundleProcess.freePort();
        int adminPort = BundleProcess.freePort();
        Map<String, String> env = Map.of("EGW_GATEWAY_ENDPOINT", endpoint, "EGW_ADMIN_PORT", Integer.toString(adminPort),
                "EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort(),
                "EGW_PLUGINS_ALLOW_UNSIGNED", "true");
        try (BundleProcess bundle = new BundleProcess(base, home, env)) {
            bundle.startGateway();

            // /health answers without a token, and says nothing but up or down.
            HttpResponse<String> health = BundleProcess.adminClient(home).send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + adminPort + "/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"live\":true,\"ready\":true,\"checks\":{\"router\":\"up\","
                    + "\"zap\":\"up\",\"publisher\":\"up\",\"enrol\":\"off\",\"keyStore\":\"up\",\"plugins\":\"up\"}}");

            Path sensor = dir.resolve("crasher");
            BundleProcess.Result add = bundle.run("clients", "add", "crasher", "--generate", "--out", sensor.toString());
            assertThat(add.exitCode()).as(add.err()).isZero();
            // A JeroMQ client may need a second try to get through the handshake; one CRASH is enough.
            Integer exit = null;
            BundleProcess.Result sent = null;
            for (int attempt = 0; attempt < 10 && exit == null; attempt++) {
                sent = bundle.runWith("edge-gateway-client", "send", "--bundle", sensor.toString(), "--endpoint", endpoint,
                        "--type", "CRASH", "--data", "now", "--timeout", "5");
                exit = bundle.awaitExit(10);
            }
            assertThat(exit).as("the gateway ended on its own; the client said " + sent + "; the gateway printed:\n"
                    + String.join("\n", bundle.gatewayOutput())).isNotNull();
            assertThat(exit).isEqualTo(Main.FAILED);
            assertThat(bundle.gatewayOutput()).anyMatch(l -> l.contains("router (thread egw-router) died"));
            assertThat(bundle.gatewayOutput()).anyMatch(l -> l.contains("exiting with code 1"));
        }
    }
}
