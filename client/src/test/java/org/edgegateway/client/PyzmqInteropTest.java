package org.edgegateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.edgegateway.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/**
 * The client against libzmq: a pyzmq CURVE ROUTER with a ZAP handler (src/test/resources/stub_gateway.py),
 * and bundles written by pyzmq's {@code zmq.auth.create_certificates}. Skipped when Debian's
 * python3-zmq is not installed.
 */
@Timeout(120)
class PyzmqInteropTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path tmp;

    private Process server;
    private final List<String> serverLines = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void needsPyzmq() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), "no " + PYTHON);
        Process p = new ProcessBuilder(PYTHON, "-c", "import zmq, zmq.auth").redirectErrorStream(true).start();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "python3-zmq is not installed");
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** Writes a bundle with pyzmq: DIR/NAME.key, DIR/NAME.key_secret, DIR/server.key (+ server.key_secret). */
    private Path pyzmqBundle(String name) throws Exception {
        Path dir = tmp.resolve("bundle-" + name);
        Files.createDirectories(dir);
        String script = String.join("\n",
                "import sys, zmq.auth",
                "d = sys.argv[1]",
                "zmq.auth.create_certificates(d, sys.argv[2])",
                "zmq.auth.create_certificates(d, 'server', metadata={'endpoint': 'tcp://127.0.0.1:1'})");
        Process p = new ProcessBuilder(PYTHON, "-c", script, dir.toString(), name).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return dir;
    }

    private static String[] keysOf(Path zpl) {
        var props = BundleFiles.read(zpl);
        return new String[] {props.get("curve/public-key"), props.get("curve/secret-key")};
    }

    private String startServer(String[] serverKeys, String allowedClient) throws IOException {
        Path script = Path.of("src/test/resources/stub_gateway.py").toAbsolutePath();
        server = new ProcessBuilder(PYTHON, script.toString(), serverKeys[0], serverKeys[1], allowedClient)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        ready.complete(line.substring(6));
                    } else {
                        serverLines.add(line);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("pyzmq stub exited"));
        }, "pyzmq-stub-output");
        t.setDaemon(true);
        t.start();
        return ready.orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void sendsToALibzmqGatewayWithAPyzmqBundle() throws Exception {
        Path bundle = pyzmqBundle("sensor-py");
        String[] serverKeys = keysOf(bundle.resolve("server.key_secret"));
        String endpoint = startServer(serverKeys, ZMQ.Curve.z85Encode(ClientBundle.load(bundle, "sensor-py").publicKey()));
        try (GatewayClient client = GatewayClient.builder().bundle(bundle).clientName("sensor-py").endpoint(endpoint)
                .requestTimeout(Duration.ofSeconds(20)).build()) {
            assertThat(client.send("echo", "from java".getBytes(StandardCharsets.UTF_8)).detailText()).isEqualTo("from java");
            assertThatThrownBy(() -> client.send("fail", new byte[0]))
                    .isInstanceOfSatisfying(GatewayClientException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_PAYLOAD));
            assertThat(client.ping()).isPositive();
            byte[] id = client.nextMessageId();
            client.sendAsync(id, "data", new byte[] {1}, Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
            client.sendAsync(id, "data", new byte[] {1}, Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
            String hex = StubGateway.hex(id);
            assertThat(serverLines).contains("PROCESSED " + hex + " 1").doesNotContain("PROCESSED " + hex + " 2");
        }
    }

    @Test
    void wrongServerKeyFailsAgainstLibzmq() throws Exception {
        Path bundle = pyzmqBundle("sensor-py");
        String clientKey = ZMQ.Curve.z85Encode(ClientBundle.load(bundle, "sensor-py").publicKey());
        ZMQ.Curve.KeyPair otherServer = ZMQ.Curve.generateKeyPair();
        String endpoint = startServer(new String[] {otherServer.publicKey, otherServer.secretKey}, clientKey);
        try (GatewayClient client = GatewayClient.builder().bundle(bundle).clientName("sensor-py").endpoint(endpoint)
                .requestTimeout(Duration.ofSeconds(10)).build()) {
            assertThatThrownBy(() -> client.send("echo", new byte[0]))
                    .isInstanceOfSatisfying(GatewayClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(GatewayClientException.Kind.HANDSHAKE_FAILED);
                        assertThat(e.getMessage()).contains("server key");
                    });
        }
        assertThat(serverLines).noneMatch(l -> l.startsWith("PROCESSED"));
    }

    @Test
    void keyNotAllowedByZapIsRefused() throws Exception {
        Path bundle = pyzmqBundle("sensor-py");
        String[] serverKeys = keysOf(bundle.resolve("server.key_secret"));
        String endpoint = startServer(serverKeys, ZMQ.Curve.generateKeyPair().publicKey);
        try (GatewayClient client = GatewayClient.builder().bundle(bundle).clientName("sensor-py").endpoint(endpoint)
                .requestTimeout(Duration.ofSeconds(10)).build()) {
            assertThatThrownBy(() -> client.send("echo", new byte[0]))
                    .isInstanceOfSatisfying(GatewayClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(GatewayClientException.Kind.HANDSHAKE_FAILED);
                        assertThat(e.getMessage()).contains("refused the key of client sensor-py");
                    });
        }
    }
}
