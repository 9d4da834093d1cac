package org.edgegateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.client.WorkerFixture.waitFor;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.edgegateway.client.GatewayWorker.Answer;
import org.edgegateway.client.cli.ClientMain;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.workers.WorkerConfig;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * External workers end to end: a real gateway with its worker port, Java workers (the SDK and the CLI's
 * {@code worker --exec}) and pyzmq workers (the example under workers/examples/python, on Debian's
 * python3-zmq), sensors on the sensors' port; real CURVE and a real H2 file.
 */
@Timeout(180)
class WorkersTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    private KeyStore store;
    private CurveKeyPair serverKeys;
    private Gateway gateway;
    private WorkerFixture fx;
    private ZContext sensors;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** ECHO is a plugin's type here: a worker cannot take it. */
    private static final class Echo implements MessageHandler {
        @Override
        public Set<String> types() {
            return Set.of("ECHO");
        }

        @Override
        public HandlerResult handle(HandlerMessage m) {
            return HandlerResult.ack("echo");
        }
    }

    @BeforeEach
    void start() {
        store = KeyStore.open(KeyStore.fileUrl(dir.resolve("data")));
        serverKeys = CurveKeyPair.generate();
        WorkerConfig workers = WorkerConfig.defaults("tcp://127.0.0.1:*").withHeartbeat(Duration.ofMillis(500))
                .withTimeout(Duration.ofSeconds(20));
        gateway = Gateway.start(GatewayConfig.defaults("tcp://127.0.0.1:*"), AdmissionConfig.defaults(), null, workers, null,
                null, store, serverKeys, HandlerLookup.of(List.of(new Echo())), Clock.systemUTC());
        sensors = new ZContext(1);
        fx = new WorkerFixture(gateway, serverKeys, sensors, dir.resolve("bundles"));
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
        sensors.close();
        gateway.close();
        store.close();
    }

    // ---- the contract ----------------------------------------------------------------------------------

    @Test
    void twoJavaWorkersShareTheLoadAndEachSensorMessageGetsItsAnswer() throws Exception {
        Path b1 = fx.workerBundle("upper-1");
        Path b2 = fx.workerBundle("upper-2");
        javaWorker(b1, "UPPER");
        javaWorker(b2, "UPPER");
        ZMQ.Socket sensor = fx.sensor("sensor-1");
        for (int i = 0; i < 40; i++) {
            sensor.sendMore("UPPER");
            sensor.send("hello " + i);
        }
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            replies.add(reply(sensor));
        }
        assertThat(replies).hasSize(40).allSatisfy(r -> assertThat(r).startsWith("ACK | HELLO "));
        assertThat(replies).contains("ACK | HELLO 0", "ACK | HELLO 39");
        waitFor(() -> fx.served("upper-1") + fx.served("upper-2") == 40, "40 served in all");
        assertThat(fx.served("upper-1")).as("least recently used: both get a share").isPositive();
        assertThat(fx.served("upper-2")).isPositive();
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).extracting(e -> e.action()).contains("worker.enrol");
    }

    @Test
    void aPyzmqWorkerAnswersAndErrorsReachTheSensorAsBadPayload() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), "Debian's python3-zmq is not installed");
        Path b = fx.workerBundle("py-1");
        pythonWorker(b, "py-1", "SHOUT", 0);
        waitFor(() -> fx.connected("py-1") == 1, "the pyzmq worker announced itself");
        ZMQ.Socket sensor = fx.sensor("sensor-1");
        assertThat(ask(sensor, "SHOUT", "quiet please".getBytes(StandardCharsets.UTF_8))).isEqualTo("ACK | QUIET PLEASE");
        assertThat(ask(sensor, "SHOUT", new byte[] {(byte) 0xff, (byte) 0xfe}))
                .isEqualTo("ERROR | BAD_PAYLOAD: not UTF-8 text");
        assertThat(ask(sensor, "NOBODY", new byte[] {1})).isEqualTo("ERROR | UNKNOWN_TYPE: no handler for type NOBODY");
    }

    @Test
    void aWorkerKilledMidRequestStillGivesTheSensorExactlyOneAnswer() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), "Debian's python3-zmq is not installed");
        Path slow = fx.workerBundle("py-slow");
        // Some seconds of SHA-256 per request: it is still working when it dies.
        Process dying = pythonWorker(slow, "py-slow", "CRUNCH", 30_000_000);
        waitFor(() -> fx.connected("py-slow") == 1, "the slow worker announced itself");
        ZMQ.Socket sensor = fx.sensor("sensor-1");
        sensor.sendMore("CRUNCH");
        sensor.send("numbers");
        waitFor(() -> fx.inFlight("py-slow") == 1, "the request is inside the slow worker");
        Path fast = fx.workerBundle("py-fast");
        pythonWorker(fast, "py-fast", "CRUNCH", 0);
        waitFor(() -> fx.connected("py-fast") == 1, "the second worker announced itself");

        dying.destroyForcibly(); // SIGKILL
        assertThat(dying.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(reply(sensor)).isEqualTo("ACK | NUMBERS");
        sensor.setReceiveTimeOut(1500);
        assertThat(sensor.recv()).as("no second answer").isNull();
        assertThat(fx.served("py-fast")).isEqualTo(1);
        waitFor(() -> fx.connected("py-slow") == 0, "the dead worker is gone");
    }

    @Test
    void aRevokedWorkerIsCutWhenTheRevokeReturnsAndRefusedFromThenOn() throws Exception {
        Path b = fx.workerBundle("upper-1");
        GatewayWorker w = javaWorker(b, "UPPER");
        ZMQ.Socket sensor = fx.sensor("sensor-1");
        assertThat(ask(sensor, "UPPER", "a".getBytes(StandardCharsets.UTF_8))).isEqualTo("ACK | A");

        gateway.admin().revokeWorker("upper-1", WorkerFixture.ADMIN);
        assertThat(fx.connected("upper-1")).as("cut before the revoke returned").isZero();
        assertThat(ask(sensor, "UPPER", "b".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("ERROR | UNKNOWN_TYPE: no handler for type UPPER");
        // The SDK worker connects again at once and is refused at the handshake from now on.
        waitFor(() -> gateway.metrics().zapDenialsByReason().getOrDefault("unknown-key", 0L) > 0,
                "the revoked key's next handshake was refused");
        assertThat(fx.connected("upper-1")).isZero();
        assertThat(w.refusals()).isEmpty();
        assertThat(gateway.admin().workers()).singleElement().satisfies(i -> assertThat(i.status()).isEqualTo("revoked"));
    }

    @Test
    void aClientKeyIsRefusedOnTheWorkerPortAndAWorkerKeyOnTheSensorPort() throws Exception {
        // A client key announcing itself as a worker.
        CurveKeyPair client = CurveKeyPair.generate();
        gateway.admin().enrol("sensor-1", client.publicZ85(), WorkerFixture.ADMIN);
        ZMQ.Socket impostor = fx.dealer(client, gateway.workers().boundEndpoint());
        impostor.sendMore("READY");
        impostor.send("UPPER");
        impostor.setReceiveTimeOut(3000);
        assertThat(impostor.recv()).as("a client key gets no handshake on the worker port").isNull();
        assertThat(gateway.workers().types()).doesNotContain("UPPER");

        // A worker key sending as a sensor.
        Path b = fx.workerBundle("upper-1");
        ClientBundle wb = ClientBundle.load(b, "upper-1");
        ZMQ.Socket asSensor = fx.dealer(new CurveKeyPair(wb.publicKey(), wb.secretKey()), gateway.boundEndpoint());
        asSensor.sendMore("ECHO");
        asSensor.send("x");
        asSensor.setReceiveTimeOut(3000);
        assertThat(asSensor.recv()).as("a worker key gets no handshake on the sensor port").isNull();
        assertThat(gateway.metrics().messagesIn()).isZero();
        assertThat(gateway.metrics().zapDenialsByReason().get("unknown-key")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aTypeAPluginServesIsRefusedToAWorker() throws Exception {
        Path b = fx.workerBundle("greedy");
        GatewayWorker w = GatewayWorker.start(ClientBundle.load(b, "greedy"), gateway.workers().boundEndpoint(),
                Set.of("ECHO", "MINE", "bad type!"), r -> Answer.ack("worker"), Duration.ofMillis(500), e -> { });
        closing.add(w);
        waitFor(() -> w.refusals().size() == 2, "two types refused");
        assertThat(w.refusals()).containsExactlyInAnyOrder(
                "TYPE_TAKEN: ECHO is served by a plugin (workers.allow-plugin-types is off)",
                "BAD_FRAME: type is not a token [A-Za-z0-9_.-]{1,32}: bad type!");
        waitFor(() -> gateway.workers().types().contains("MINE"), "MINE is served");
        ZMQ.Socket sensor = fx.sensor("sensor-1");
        assertThat(ask(sensor, "ECHO", new byte[] {1})).isEqualTo("ACK | echo");
        assertThat(ask(sensor, "MINE", new byte[] {1})).isEqualTo("ACK | worker");
    }

    @Test
    void floodDefenceDropsASensorsExcessBeforeAnyWorkerSeesIt() throws Exception {
        gateway.close();
        WorkerConfig workers = WorkerConfig.defaults("tcp://127.0.0.1:*").withHeartbeat(Duration.ofMillis(500))
                .withTimeout(Duration.ofSeconds(20));
        // 5 messages a second, a burst of 5; quarantine far away, so the sensor stays connected.
        AdmissionConfig admission = AdmissionConfig.of(Map.of("admission.rate.messages-per-second", "5",
                "admission.rate.burst", "5"));
        gateway = Gateway.start(GatewayConfig.defaults("tcp://127.0.0.1:*"), admission, null, workers, null, null,
                store, serverKeys, HandlerLookup.of(List.of(new Echo())), Clock.systemUTC());
        fx = new WorkerFixture(gateway, serverKeys, sensors, dir.resolve("bundles-flood"));
        javaWorker(fx.workerBundle("upper-1"), "UPPER");
        ZMQ.Socket sensor = fx.sensor("flooder");
        for (int i = 0; i < 300; i++) {
            sensor.sendMore("UPPER");
            sensor.send("m" + i);
        }
        waitFor(() -> gateway.metrics().messagesIn() == 300, "the gateway read all 300");
        sensor.setReceiveTimeOut(3000);
        int acks = 0;
        int limited = 0;
        byte[] status;
        while ((status = sensor.recv()) != null) {
            String detail = sensor.recvStr();
            if (new String(status, StandardCharsets.UTF_8).equals("ACK")) {
                acks++;
            } else if (detail.startsWith("RATE_LIMITED")) {
                limited++;
            }
        }
        int answered = acks;
        waitFor(() -> fx.served("upper-1") == answered, "the worker served exactly what was admitted");
        assertThat(acks).as("admitted: the burst and a few a second").isBetween(5, 150);
        assertThat(limited).as("RATE_LIMITED answers (at most one per reply interval)").isPositive();
        assertThat(gateway.metrics().rateLimitedMessages()).isEqualTo(300L - acks);
    }

    @Test
    void aWorkerFrameLargerThanTheLimitClosesThatWorkerAndNoOther() throws Exception {
        javaWorker(fx.workerBundle("upper-1"), "UPPER");
        Path b = fx.workerBundle("bloated");
        ClientBundle wb = ClientBundle.load(b, "bloated");
        ZMQ.Socket bloated = fx.dealer(new CurveKeyPair(wb.publicKey(), wb.secretKey()), gateway.workers().boundEndpoint());
        bloated.sendMore("READY");
        bloated.send("BIG");
        waitFor(() -> fx.connected("bloated") == 1, "the raw worker announced itself");

        // gateway.max-message-size is 1 MiB by default: a worker frame may be 2 MiB and 4 KiB, no more.
        bloated.sendMore("REPLY");
        bloated.sendMore(new byte[8]);
        bloated.sendMore("ACK");
        bloated.send(new byte[3 << 20]);
        // It keeps its heartbeats going (500 ms here), so only the frame can cut it.
        waitFor(() -> bloated.send("HEARTBEAT", ZMQ.DONTWAIT) && fx.connected("bloated") == 0,
                "the worker that sent a 3 MiB frame is cut");
        ZMQ.Socket sensor = fx.sensor("sensor-1");
        assertThat(ask(sensor, "UPPER", "still here".getBytes(StandardCharsets.UTF_8))).isEqualTo("ACK | STILL HERE");
        assertThat(fx.connected("upper-1")).isEqualTo(1);
    }

    @Test
    void aShellCommandIsAWorkerThroughTheClientCli() throws Exception {
        Path b = fx.workerBundle("shell-1");
        Path script = Files.writeString(dir.resolve("refuse.sh"),
                "#!/bin/sh\nread line\ncase \"$line\" in bad*) echo \"no: $line\"; exit 65;; esac\necho \"$line\" | tr a-z A-Z\n");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Thread runner = new Thread(() -> ClientMain.execute(System.out, new java.io.PrintStream(err), "worker", "--bundle",
                b.toString(), "--type", "SH", "--exec", "sh " + script), "cli-worker");
        runner.start();
        try {
            waitFor(() -> fx.connected("shell-1") == 1, "the CLI worker announced itself");
            ZMQ.Socket sensor = fx.sensor("sensor-1");
            assertThat(ask(sensor, "SH", "make me loud\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("ACK | MAKE ME LOUD");
            assertThat(ask(sensor, "SH", "bad input\n".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo("ERROR | BAD_PAYLOAD: no: bad input");
        } finally {
            runner.interrupt();
            runner.join(10_000);
        }
        assertThat(runner.isAlive()).isFalse();
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private GatewayWorker javaWorker(Path bundle, String type) throws InterruptedException {
        String name = bundle.getFileName().toString();
        GatewayWorker w = GatewayWorker.start(ClientBundle.load(bundle, name), gateway.workers().boundEndpoint(),
                Set.of(type), r -> Answer.ack(r.text().toUpperCase(java.util.Locale.ROOT)), Duration.ofMillis(500),
                e -> { });
        closing.add(w);
        assertThat(w.awaitReady(Duration.ofSeconds(30))).as(name + " announced").isTrue();
        return w;
    }

    private Process pythonWorker(Path bundle, String name, String types, int work) throws IOException {
        Path script = repositoryRoot().resolve("workers/examples/python/worker.py");
        Process p = new ProcessBuilder(PYTHON, script.toString(), bundle.toString(), name, types, Integer.toString(work))
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        processes.add(p);
        return p;
    }

    private static String ask(ZMQ.Socket s, String type, byte[] payload) {
        s.sendMore(type);
        s.send(payload);
        return reply(s);
    }

    private static String reply(ZMQ.Socket s) {
        byte[] status = s.recv();
        assertThat(status).as("a reply").isNotNull();
        return new String(status, StandardCharsets.UTF_8) + " | " + s.recvStr();
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("workers/examples/python/worker.py"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("workers/examples/python/worker.py not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
