package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client nobody here wrote: Debian's python3-zmq, on libzmq's own CURVE. */
class PyzmqInteropTest {
    static final String PYTHON = "/usr/bin/python3";

    static boolean pyzmqAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static List<String> runSensor(Path dir, String endpoint, Path clientSecret, Path serverPublic, String socketType,
                                  String... messages) throws Exception {
        Path script = dir.resolve("sensor.py");
        try (InputStream in = PyzmqInteropTest.class.getResourceAsStream("/python/sensor.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(), endpoint, clientSecret.toString(),
                serverPublic.toString(), socketType));
        cmd.addAll(List.of(messages));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("python sensor finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    @Test
    void pyzmqDealerAndReqGetAcks(@TempDir Path dir) throws Exception {
        assumeTrue(pyzmqAvailable(), "Debian's python3-zmq is not installed");
        try (GatewayFixture gw = GatewayFixture.start(dir.resolve("gw"))) {
            Path certs = Files.createDirectories(dir.resolve("certs"));
            CurveKeyPair sensor = CurveKeyPair.generate();
            ZCertFiles.writePair(certs, "py-sensor", sensor, Map.of("name", "py-sensor"));
            ZCertFiles.writePublic(certs.resolve("server.key"), ZCert.ofPublic(gw.serverKeys().publicKey(), Map.of()));
            gw.gateway().admin().enrol("py-sensor", sensor.publicZ85(), GatewayFixture.TEST_ADMIN);

            List<String> dealer = runSensor(dir, gw.endpoint(), certs.resolve("py-sensor.key_secret"),
                    certs.resolve("server.key"), "DEALER", "JSON={\"temperature\": 25.5}", "STRING=hi", "NOPE=x");
            assertThat(dealer).containsExactly("ACK | JSON received (21 bytes)", "ACK | STRING received (2 bytes)",
                    "ERROR | UNKNOWN_TYPE: no handler for type NOPE");

            List<String> req = runSensor(dir, gw.endpoint(), certs.resolve("py-sensor.key_secret"),
                    certs.resolve("server.key"), "REQ", "JSON=[1]", "JSON={bad");
            assertThat(req.get(0)).isEqualTo("ACK | JSON received (3 bytes)");
            assertThat(req.get(1)).startsWith("ERROR | BAD_PAYLOAD: malformed JSON");
        }
    }

    @Test
    void pyzmqWithAnUnenrolledKeyGetsNothing(@TempDir Path dir) throws Exception {
        assumeTrue(pyzmqAvailable(), "Debian's python3-zmq is not installed");
        try (GatewayFixture gw = GatewayFixture.start(dir.resolve("gw"))) {
            Path certs = Files.createDirectories(dir.resolve("certs"));
            ZCertFiles.writePair(certs, "stranger", CurveKeyPair.generate(), Map.of());
            ZCertFiles.writePublic(certs.resolve("server.key"), ZCert.ofPublic(gw.serverKeys().publicKey(), Map.of()));
            Path script = dir.resolve("sensor.py");
            try (InputStream in = getClass().getResourceAsStream("/python/sensor.py")) {
                Files.copy(in, script);
            }
            Process p = new ProcessBuilder(PYTHON, script.toString(), gw.endpoint(),
                    certs.resolve("stranger.key_secret").toString(), certs.resolve("server.key").toString(), "DEALER",
                    "JSON={}").redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("TIMEOUT");
            assertThat(p.exitValue()).isEqualTo(3);
            assertThat(gw.gateway().metrics().messagesIn()).isZero();
            assertThat(gw.gateway().metrics().zapDenialsByReason().get("unknown-key")).isPositive();
        }
    }
}
