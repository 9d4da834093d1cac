package org.edgegateway.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.edgegateway.client.StubGateway;
import org.edgegateway.client.TestBundles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ClientMainTest {
    @TempDir
    Path tmp;

    private TestBundles.Server server;
    private StubGateway gateway;
    private Path bundle;
    private String clientKey;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        server = TestBundles.newServer();
        bundle = tmp.resolve("bundle");
        gateway = new StubGateway(server.publicKey(), server.secretKey(), Set.of(), 0);
        // server.key names the live endpoint, as the gateway writes it; the stub then admits the key.
        clientKey = TestBundles.write(bundle, "sensor-7", server, gateway.endpoint());
        gateway.allow(clientKey);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ClientMain.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertNoStackTrace(Run r) {
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
        assertThat(r.out()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void sendPrintsTheAckAndExitsZero() {
        Run r = run("send", "--bundle", bundle.toString(), "--type", "echo", "--data", "hello");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("ACK hello");
    }

    @Test
    void sendReadsTheEndpointFromTheBundleOrTheOption() throws Exception {
        Path payload = tmp.resolve("payload.json");
        Files.writeString(payload, "{\"t\":1}");
        Run r = run("send", "--bundle", bundle.toString(), "--endpoint", gateway.endpoint(), "--type", "echo",
                "--file", payload.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("ACK {\"t\":1}");
    }

    @Test
    void errorReplyExitsOne() {
        Run r = run("send", "--bundle", bundle.toString(), "--type", "fail", "--data", "x");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out().strip()).isEqualTo("ERROR BAD_PAYLOAD: not JSON");
    }

    @Test
    void missingBundleFolderExitsTwoWithAClearMessage() {
        Run r = run("send", "--bundle", tmp.resolve("nope").toString(), "--type", "echo", "--data", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bundle folder", "nope", "does not exist");
        assertNoStackTrace(r);
    }

    @Test
    void missingServerCertificateExitsTwo() throws Exception {
        Files.delete(bundle.resolve("server.key"));
        Run r = run("ping", "--bundle", bundle.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("server.key", "missing");
        assertNoStackTrace(r);
    }

    @Test
    void aBundleThatNamesNoEndpointAsksForTheEndpointOption() throws Exception {
        Path bare = tmp.resolve("bare");
        TestBundles.write(bare, "sensor-8", server, null);
        Run r = run("send", "--bundle", bare.toString(), "--type", "echo", "--data", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("server.key", "--endpoint").doesNotContain("endpoint(");
        assertNoStackTrace(r);
    }

    @Test
    void everyCommandAnswersHelpWithExamples() {
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(""));
        names.addAll(new picocli.CommandLine(ClientMain.class).getSubcommands().keySet());
        for (String name : names) {
            Run r = name.isEmpty() ? run("--help") : run(name, "--help");
            assertThat(r.code()).as(name + ": " + r.err()).isZero();
            assertThat(r.out()).as(name).contains("Usage: edge-gateway-client").contains("Examples:")
                    .contains("  edge-gateway-client ");
            if (!name.isEmpty() && !name.equals("help")) {
                Run h = run("help", name);
                assertThat(h.code()).as("help " + name).isZero();
                assertThat(h.out()).contains("Usage: edge-gateway-client " + name).contains("Examples:");
            }
        }
    }

    @Test
    void missingPayloadFileExitsTwo() {
        Run r = run("send", "--bundle", bundle.toString(), "--type", "echo", "--file", tmp.resolve("none.bin").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("none.bin", "does not exist");
        assertNoStackTrace(r);
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(run("send", "--bundle", bundle.toString(), "--type", "echo").code()).isEqualTo(2);
        assertThat(run("send", "--bundle", bundle.toString(), "--type", "echo", "--data", "a", "--file", "b").code())
                .isEqualTo(2);
        assertThat(run("bogus").code()).isEqualTo(2);
        assertThat(run().code()).isEqualTo(2);
    }

    @Test
    void unreachableGatewayExitsThree() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run("send", "--bundle", bundle.toString(), "--endpoint", "tcp://127.0.0.1:" + port, "--timeout", "1",
                "--type", "echo", "--data", "x");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("cannot connect", "127.0.0.1:" + port);
        assertNoStackTrace(r);
    }

    @Test
    void wrongServerKeyExitsThreeNamingTheServerKey() throws Exception {
        Path wrong = tmp.resolve("wrong");
        TestBundles.write(wrong, "sensor-7", TestBundles.newServer(), gateway.endpoint());
        Files.copy(bundle.resolve("sensor-7.key_secret"), wrong.resolve("sensor-7.key_secret"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(bundle.resolve("sensor-7.key"), wrong.resolve("sensor-7.key"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Run r = run("ping", "--bundle", wrong.toString(), "--timeout", "5");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("handshake", "server key");
        assertNoStackTrace(r);
    }

    @Test
    void pingExitsZero() {
        Run r = run("ping", "--bundle", bundle.toString(), "--count", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("PONG from " + gateway.endpoint() + " as sensor-7")))
                .hasSize(2);
    }

    @Test
    void listenPrintsPushesUntilCount() throws Exception {
        CompletableFuture<Run> listening = CompletableFuture.supplyAsync(
                () -> run("listen", "--bundle", bundle.toString(), "--count", "2"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!gateway.knows(clientKey) && System.nanoTime() < deadline && !listening.isDone()) {
            Thread.sleep(20);
        }
        assertThat(gateway.knows(clientKey)).as(() -> listening.getNow(null) + "").isTrue();
        Thread.sleep(200);
        gateway.push(clientKey, "config", "{\"rate\":5}".getBytes(StandardCharsets.UTF_8));
        gateway.push(clientKey, "blob", new byte[] {(byte) 0xff, 0});
        Run r = listening.get(30, TimeUnit.SECONDS);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines()).containsExactly("config {\"rate\":5}", "blob hex:ff00");
        assertThat(r.err()).contains("listening as sensor-7");
    }

    @Test
    void benchPrintsASummary() {
        Run r = run("bench", "--bundle", bundle.toString(), "--clients", "2", "--duration", "1.5", "--size", "64",
                "--window", "4", "--type", "echo");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("throughput:", "msg/s", "p50", "p95", "p99", "max", "errors:     none");
        assertThat(r.err()).contains("replies", "msg/s");
    }

    @Test
    void benchCountsErrorsByCodeAndSaysLoudlyWhenMostRepliesAreErrors() {
        Run r = run("bench", "--bundle", bundle.toString(), "--duration", "1", "--type", "fail", "--rate", "50");
        assertThat(r.code()).as("mostly errors: not a result").isEqualTo(1);
        assertThat(r.out()).containsPattern("errors: +BAD_PAYLOAD [0-9,]+");
        assertThat(r.err()).contains("WARNING", "were errors", "not a measure of serving fail messages", "--type");
    }

    @Test
    void benchDefaultsToATypeTheGatewayServes() {
        Run r = run("bench", "--help");
        assertThat(r.code()).as("every sub-command answers --help").isZero();
        assertThat(r.out()).contains("--type=T").containsPattern("default:\\s+STRING");
    }
}
