package org.edgegateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.protocol.Push;
import org.edgegateway.protocol.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class GatewayClientTest {
    @TempDir
    Path tmp;

    private TestBundles.Server server;
    private Path bundle;
    private String clientKey;
    private StubGateway gateway;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = TestBundles.newServer();
        bundle = tmp.resolve("bundle");
        clientKey = TestBundles.write(bundle, "sensor-1", server, null);
        gateway = new StubGateway(server.publicKey(), server.secretKey(), Set.of(clientKey), 0);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        gateway.close();
    }

    private GatewayClient client(GatewayClient.Builder builder) {
        GatewayClient c = builder.build();
        toClose.add(c);
        return c;
    }

    private GatewayClient.Builder builder() {
        return GatewayClient.builder().bundle(bundle).endpoint(gateway.endpoint())
                .requestTimeout(Duration.ofSeconds(15));
    }

    @Test
    void sendReturnsTheAck() {
        GatewayClient c = client(builder());
        Reply reply = c.send("echo", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(reply.isAck()).isTrue();
        assertThat(reply.detailText()).isEqualTo("hello");
        assertThat(c.isConnected()).isTrue();
        assertThat(c.name()).isEqualTo("sensor-1");
    }

    @Test
    void errorReplyIsTypedByCode() {
        GatewayClient c = client(builder());
        assertThatThrownBy(() -> c.send("fail", new byte[] {1}))
                .isInstanceOfSatisfying(GatewayClientException.class, e -> {
                    assertThat(e.kind()).isEqualTo(GatewayClientException.Kind.ERROR_REPLY);
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_PAYLOAD);
                    assertThat(e.getMessage()).contains("BAD_PAYLOAD: not JSON");
                });
        Reply async = c.sendAsync("fail", new byte[0]).orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(async.code()).isEqualTo(ErrorCode.BAD_PAYLOAD);
    }

    @Test
    void pipelinedRepliesAreMatchedByCorrelationId() {
        GatewayClient c = client(builder().maxInFlight(5000));
        List<CompletableFuture<Reply>> futures = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            futures.add(c.sendAsync("echo", ("m" + i).getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).orTimeout(30, TimeUnit.SECONDS).join().detailText()).isEqualTo("m" + i);
        }
        assertThat(c.inFlight()).isZero();
    }

    @Test
    void manyThreadsShareOneClient() throws Exception {
        GatewayClient c = client(builder());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    StringBuilder all = new StringBuilder();
                    for (int i = 0; i < 100; i++) {
                        String payload = thread + ":" + i;
                        String echoed = c.send("echo", payload.getBytes(StandardCharsets.UTF_8)).detailText();
                        if (!echoed.equals(payload)) {
                            return "mismatch " + payload + " -> " + echoed;
                        }
                    }
                    return "ok";
                }));
            }
            for (Future<String> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void requestTimesOutWhenTheGatewayDoesNotAnswer() {
        GatewayClient c = client(builder().retryPolicy(RetryPolicy.NONE));
        c.ping();
        CompletableFuture<Reply> f = c.sendAsync("silent", new byte[0], Duration.ofMillis(300));
        assertThatThrownBy(() -> f.orTimeout(20, TimeUnit.SECONDS).join())
                .hasCauseInstanceOf(GatewayClientException.class)
                .cause().satisfies(e -> {
                    assertThat(((GatewayClientException) e).kind()).isEqualTo(GatewayClientException.Kind.TIMEOUT);
                    assertThat(e.getMessage()).contains("no reply", gateway.endpoint());
                });
        assertThat(c.inFlight()).isZero();
    }

    @Test
    void retryReusesTheCorrelationIdAndIsNotProcessedTwice() {
        RetryPolicy fast = new RetryPolicy(Duration.ofMillis(200), 2.0, Duration.ofSeconds(1), 0.2, true);
        GatewayClient c = client(builder().retryPolicy(fast));
        byte[] id = c.nextMessageId();
        Reply reply = c.sendAsync(id, "drop-first", "once".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(20))
                .orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(reply.isAck()).isTrue();
        assertThat(reply.envelope().correlationId()).isEqualTo(id);
        assertThat(gateway.received.get()).isGreaterThanOrEqualTo(2);
        assertThat(gateway.processedCount(id)).isEqualTo(1);
    }

    @Test
    void messageIdsAreUniquePerMessage() {
        GatewayClient c = client(builder());
        byte[] a = c.nextMessageId();
        byte[] b = c.nextMessageId();
        assertThat(a).hasSize(16).isNotEqualTo(b);
        assertThat(java.util.Arrays.copyOf(a, 8)).isEqualTo(java.util.Arrays.copyOf(b, 8));
    }

    @Test
    void reconnectsAfterTheGatewayRestartsOnTheSamePort() throws Exception {
        GatewayClient c = client(builder().reconnectInterval(Duration.ofMillis(50), Duration.ofMillis(500)));
        assertThat(c.send("echo", "before".getBytes(StandardCharsets.UTF_8)).detailText()).isEqualTo("before");
        int port = gateway.port();
        gateway.close();
        waitUntil(() -> !c.isConnected());
        CompletableFuture<Reply> during = c.sendAsync("echo", "during".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(25));
        gateway = new StubGateway(server.publicKey(), server.secretKey(), Set.of(clientKey), port);
        assertThat(during.orTimeout(30, TimeUnit.SECONDS).join().detailText()).isEqualTo("during");
        assertThat(c.send("echo", "after".getBytes(StandardCharsets.UTF_8)).detailText()).isEqualTo("after");
    }

    @Test
    void wrongServerKeyFailsTheHandshakeWithAClearError() throws Exception {
        Path wrong = tmp.resolve("wrong");
        TestBundles.Server other = TestBundles.newServer();
        String key = TestBundles.write(wrong, "sensor-2", other, gateway.endpoint());
        gateway.close();
        gateway = new StubGateway(server.publicKey(), server.secretKey(), Set.of(key), 0);
        GatewayClient c = client(GatewayClient.builder().bundle(wrong).endpoint(gateway.endpoint())
                .requestTimeout(Duration.ofSeconds(5)));
        assertThatThrownBy(() -> c.send("echo", new byte[0]))
                .isInstanceOfSatisfying(GatewayClientException.class, e -> {
                    assertThat(e.kind()).isEqualTo(GatewayClientException.Kind.HANDSHAKE_FAILED);
                    assertThat(e.getMessage()).contains("handshake", "server key");
                });
        assertThat(gateway.received.get()).isZero();
    }

    @Test
    void unknownClientKeyIsRefused() throws Exception {
        Path stranger = tmp.resolve("stranger");
        TestBundles.write(stranger, "stranger", server, null);
        GatewayClient c = client(GatewayClient.builder().bundle(stranger).endpoint(gateway.endpoint())
                .requestTimeout(Duration.ofSeconds(5)));
        assertThatThrownBy(() -> c.send("echo", new byte[0]))
                .isInstanceOfSatisfying(GatewayClientException.class, e ->
                        assertThat(e.kind()).isEqualTo(GatewayClientException.Kind.HANDSHAKE_FAILED));
        assertThat(gateway.received.get()).isZero();
    }

    @Test
    void unreachableEndpointIsReportedAsSuch() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        GatewayClient c = client(GatewayClient.builder().bundle(bundle).endpoint("tcp://127.0.0.1:" + port)
                .requestTimeout(Duration.ofSeconds(1)));
        assertThatThrownBy(() -> c.send("echo", new byte[0]))
                .isInstanceOfSatisfying(GatewayClientException.class, e -> {
                    assertThat(e.kind()).isEqualTo(GatewayClientException.Kind.UNREACHABLE);
                    assertThat(e.getMessage()).contains("127.0.0.1:" + port);
                });
    }

    @Test
    void pushesReachTheListener() throws Exception {
        List<Push> got = new CopyOnWriteArrayList<>();
        GatewayClient c = client(builder().onPush(got::add));
        waitUntil(() -> gateway.knows(clientKey));
        gateway.push(clientKey, "config", "{\"rate\":5}".getBytes(StandardCharsets.UTF_8));
        waitUntil(() -> !got.isEmpty());
        assertThat(got.get(0).type()).isEqualTo("config");
        assertThat(new String(got.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"rate\":5}");
        assertThat(c.isConnected()).isTrue();
    }

    @Test
    void closeFailsWhatIsWaitingAndLaterSends() {
        GatewayClient c = builder().build();
        CompletableFuture<Reply> waiting = c.sendAsync("silent", new byte[0]);
        c.close();
        assertThatThrownBy(() -> waiting.orTimeout(20, TimeUnit.SECONDS).join())
                .cause().isInstanceOfSatisfying(GatewayClientException.class,
                        e -> assertThat(e.kind()).isEqualTo(GatewayClientException.Kind.CLOSED));
        assertThatThrownBy(() -> c.send("echo", new byte[0]))
                .isInstanceOfSatisfying(GatewayClientException.class,
                        e -> assertThat(e.kind()).isEqualTo(GatewayClientException.Kind.CLOSED));
        c.close();
    }

    @Test
    void tooManyInFlightFailFast() {
        GatewayClient c = client(builder().maxInFlight(2));
        c.sendAsync("silent", new byte[0]);
        c.sendAsync("silent", new byte[0]);
        CompletableFuture<Reply> third = c.sendAsync("silent", new byte[0]);
        assertThat(third).isCompletedExceptionally();
        assertThatThrownBy(third::join).cause().isInstanceOfSatisfying(GatewayClientException.class,
                e -> assertThat(e.kind()).isEqualTo(GatewayClientException.Kind.OVERLOADED));
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> GatewayClient.builder().bundle(bundle).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> builder().requestTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> builder().maxInFlight(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInFlight < 1: 0");
        assertThatThrownBy(() -> GatewayClient.builder().bundle(tmp.resolve("nope")).build())
                .isInstanceOf(BundleException.class).hasMessageContaining("does not exist");
    }

    static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
