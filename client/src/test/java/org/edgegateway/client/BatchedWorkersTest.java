package org.edgegateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.client.WorkerFixture.waitFor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.edgegateway.client.GatewayWorker.Answer;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.workers.WorkerConfig;
import org.edgegateway.core.workers.WorkerStats;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.edgegateway.protocol.WorkerBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The workers' batched mode end to end: a real gateway, the SDK's {@link GatewayWorker} (batched) and
 * workers that speak the frames by hand on a JeroMQ DEALER ({@link RawWorker}), to see what the gateway
 * packs and to send it what the protocol forbids; sensors in the versioned form, so that each answer
 * names its request. Real CURVE, a real H2 file, ports on 127.0.0.1.
 */
@Timeout(180)
class BatchedWorkersTest {

    @TempDir
    Path dir;

    private KeyStore store;
    private CurveKeyPair serverKeys;
    private Gateway gateway;
    private WorkerFixture fx;
    private final ZContext sockets = new ZContext(1);
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final Map<String, WorkerStats> workerStats = new ConcurrentHashMap<>();

    /** A gateway whose worker requests have {@code timeout}; heartbeats every 10 s, so a silent raw worker lives 30 s. */
    private void start(Duration timeout) {
        store = KeyStore.open(KeyStore.fileUrl(dir.resolve("data")));
        serverKeys = CurveKeyPair.generate();
        WorkerConfig workers = WorkerConfig.defaults("tcp://127.0.0.1:*").withHeartbeat(Duration.ofSeconds(10))
                .withTimeout(timeout);
        gateway = Gateway.start(GatewayConfig.defaults("tcp://127.0.0.1:*"), AdmissionConfig.defaults(), null, workers,
                null, null, store, serverKeys, HandlerLookup.of(List.of()), Clock.systemUTC());
        gateway.workers().onStats(s -> {
            if (s.kind().equals("worker")) {
                workerStats.put(s.name(), s);
            }
        });
        fx = new WorkerFixture(gateway, serverKeys, sockets, dir.resolve("bundles"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        sockets.close();
        if (gateway != null) {
            gateway.close();
            store.close();
        }
    }

    @Test
    void theSdkWorkerServesSensorsInBatches() throws Exception {
        start(Duration.ofSeconds(20));
        GatewayWorker w = sdkWorker(fx.workerBundle("upper-1"), "UPPER");
        assertThat(w.refusals()).isEmpty();
        ZMQ.Socket sensor = fx.sensor("sensor-1");
        for (int i = 0; i < 50; i++) {
            send(sensor, "m" + i, "UPPER", "hello " + i);
        }
        Map<String, String> answers = answers(sensor, 50);
        for (int i = 0; i < 50; i++) {
            assertThat(answers).containsEntry("m" + i, "ACK | HELLO " + i);
        }
        waitFor(() -> fx.served("upper-1") == 50, "50 served");
        assertThat(workerStats.get("upper-1").batchedRequests()).as("every request went in a BATCH").isEqualTo(50);
        assertThat(workerStats.get("upper-1").badFrames()).isZero();
    }

    @Test
    void requestsReadyAtOnceShareFramesOfAQuarterOfTheCreditAndTheCreditCountsRequests() throws Exception {
        start(Duration.ofSeconds(20));
        RawWorker raw = new RawWorker(fx.workerBundle("raw-1"), utf8("READY"), utf8("PACK"), utf8("batch"));
        assertThat(raw.ready()).containsExactly("READY", "PACK", "batch");
        ZMQ.Socket sensor = fx.sensor("sensor-1");
        for (int i = 0; i < 200; i++) {
            send(sensor, "m" + i, "PACK", "p" + i);
        }
        // A batched worker's window starts at the classic credit (16) and grows by one per request
        // answered fast, up to workers.batched-max-in-flight (128): 16, 32, 64, then the last 88.
        List<WorkerBatch.Request> held = raw.requests(16);
        waitFor(() -> gateway.metrics().messagesIn() == 200, "the gateway read all 200");
        waitFor(() -> fx.inFlight("raw-1") == 16, "16 in flight");
        for (int window : new int[] {32, 64, 88}) {
            raw.reply(held, r -> "ok " + new String(r.payload(), StandardCharsets.UTF_8));
            held = raw.requests(window);
            int w = window;
            waitFor(() -> fx.inFlight("raw-1") == w, w + " in flight");
        }
        raw.reply(held, r -> "ok " + new String(r.payload(), StandardCharsets.UTF_8));
        // A frame holds a quarter of the largest window at most, so that several are in flight.
        assertThat(raw.frameSizes).allSatisfy(n -> assertThat(n).isBetween(1, 32));
        assertThat(raw.frameSizes).contains(32);

        Map<String, String> answers = answers(sensor, 200);
        for (int i = 0; i < 200; i++) {
            assertThat(answers).containsEntry("m" + i, "ACK | ok p" + i);
        }
        assertThat(workerStats.get("raw-1").batchedRequests()).isEqualTo(200);
        assertThat(workerStats.get("raw-1").batches()).isEqualTo((long) raw.frameSizes.size()).isLessThan(200L);
        assertThat(workerStats.get("raw-1").badFrames()).isZero();
    }

    @Test
    void aClassicAndABatchedWorkerOfOneTypeShareTheLoad() throws Exception {
        start(Duration.ofSeconds(20));
        sdkWorker(fx.workerBundle("batched-1"), "SHARED");
        ClassicWorker classic = new ClassicWorker(fx.workerBundle("classic-1"), "SHARED");
        closing.add(classic);
        waitFor(() -> fx.connected("classic-1") == 1, "the classic worker announced itself");
        ZMQ.Socket sensor = fx.sensor("sensor-1");
        for (int i = 0; i < 200; i++) {
            send(sensor, "m" + i, "SHARED", "x" + i);
        }
        Map<String, String> answers = answers(sensor, 200);
        for (int i = 0; i < 200; i++) {
            assertThat(answers.get("m" + i)).isIn("ACK | X" + i, "ACK | classic x" + i);
        }
        assertThat(answers.values()).filteredOn(a -> a.startsWith("ACK | classic")).isNotEmpty();
        assertThat(answers.values()).filteredOn(a -> a.startsWith("ACK | X")).isNotEmpty();
        waitFor(() -> fx.served("batched-1") + fx.served("classic-1") == 200, "200 served in all");
        assertThat(workerStats.get("classic-1").batches()).as("a classic worker gets no BATCH").isZero();
    }

    @Test
    void aBatchedWorkerGoneMidBatchStillGivesEachSensorExactlyOneAnswer() throws Exception {
        start(Duration.ofSeconds(20));
        RawWorker dying = new RawWorker(fx.workerBundle("dying"), utf8("READY"), utf8("WORK"), utf8("batch"));
        dying.ready();
        List<ZMQ.Socket> sensors = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            ZMQ.Socket sensor = fx.sensor("sensor-" + s);
            sensors.add(sensor);
            send(sensor, "a", "WORK", "s" + s + "a");
            send(sensor, "b", "WORK", "s" + s + "b");
        }
        List<WorkerBatch.Request> held = dying.requests(10);
        sdkWorker(fx.workerBundle("rescuer"), "WORK");
        // It answers four of its ten in one frame, then its connection dies without a DISCONNECT.
        dying.reply(held.subList(0, 4), r -> "dying");
        waitFor(() -> fx.served("dying") == 4, "four answered by the dying worker");
        dying.kill();

        int fromDying = 0;
        for (ZMQ.Socket sensor : sensors) {
            Map<String, String> answers = answers(sensor, 2);
            assertThat(answers).containsOnlyKeys("a", "b");
            for (String a : answers.values()) {
                assertThat(a).matches("ACK \\| (dying|S\\dA|S\\dB)");
                if (a.equals("ACK | dying")) {
                    fromDying++;
                }
            }
        }
        assertThat(fromDying).isEqualTo(4);
        for (ZMQ.Socket sensor : sensors) {
            sensor.setReceiveTimeOut(1500);
            assertThat(sensor.recv()).as("no second answer").isNull();
        }
        waitFor(() -> fx.served("rescuer") == 6, "the other six served by the rescuer");
    }

    @Test
    void malformedBatchesAreRefusedCleanlyAndTheGatewayKeepsServing() throws Exception {
        start(Duration.ofSeconds(3));
        RawWorker raw = new RawWorker(fx.workerBundle("raw-bad"), utf8("READY"), utf8("BAD"), utf8("batch"));
        raw.ready();
        ZMQ.Socket sensor = fx.sensor("sensor-1");
        send(sensor, "1", "BAD", "one");
        send(sensor, "2", "BAD", "two");
        send(sensor, "3", "BAD", "three");
        List<WorkerBatch.Request> held = raw.requests(3);
        Map<String, Long> ids = new HashMap<>();
        for (WorkerBatch.Request r : held) {
            ids.put(new String(r.payload(), StandardCharsets.UTF_8), r.id());
        }

        // Truncated: a whole reply for "one", then half of another. Nothing of it is applied.
        WorkerBatch.Packer p = new WorkerBatch.Packer(WorkerBatch.MAX_FRAME_BYTES);
        p.reply(ids.get("one"), true, utf8("truncated"));
        p.reply(ids.get("two"), true, utf8("truncated"));
        byte[] whole = p.take();
        raw.send(WorkerBatch.BATCH, java.util.Arrays.copyOf(whole, whole.length - 5));
        assertThat(raw.error()).startsWith("BAD_FRAME: BATCH entry at byte 22: detail of 9 bytes runs past the end");

        // A length past the end of the frame.
        raw.send(WorkerBatch.BATCH, ByteBuffer.allocate(16).putLong(ids.get("one")).put((byte) 0).putInt(1 << 30)
                .put(utf8("abc")).array());
        assertThat(raw.error()).startsWith("BAD_FRAME: BATCH entry at byte 0: detail of 1073741824 bytes runs past the end");

        // Empty, and more frames than [BATCH, packed].
        raw.send(WorkerBatch.BATCH, new byte[0]);
        assertThat(raw.error()).startsWith("BAD_FRAME: BATCH holds no entry");
        raw.send(WorkerBatch.BATCH, whole, whole);
        assertThat(raw.error()).startsWith("BAD_FRAME: expected [BATCH, packed], got 3 frames");

        // An unknown id and an id twice: the valid replies of the frame are applied, the others skipped.
        p.reply(ids.get("one"), true, utf8("first"));
        p.reply(424242, true, utf8("nobody asked"));
        p.reply(ids.get("two"), false, utf8("BAD_PAYLOAD: not two"));
        p.reply(ids.get("one"), true, utf8("second"));
        raw.send(WorkerBatch.BATCH, p.take());
        assertThat(raw.error()).isEqualTo("BAD_FRAME: BATCH of 4 replies: 1 to request ids it does not hold, "
                + "1 to an id answered earlier in the frame; those were skipped, the others applied");

        Map<String, String> answers = answers(sensor, 3);
        assertThat(answers).containsEntry("1", "ACK | first")
                .containsEntry("2", "ERROR | BAD_PAYLOAD: not two")
                .containsEntry("3", "ERROR | HANDLER_FAILED: handler for BAD timed out after 3000 ms");
        sensor.setReceiveTimeOut(1000);
        assertThat(sensor.recv()).as("no second answer").isNull();

        // A BATCH from a classic worker is refused; it is served as before.
        RawWorker classic = new RawWorker(fx.workerBundle("raw-classic"), utf8("READY"), utf8("BAD"));
        assertThat(classic.ready()).containsExactly("READY", "BAD");
        classic.send(WorkerBatch.BATCH, whole);
        assertThat(classic.error()).startsWith("BAD_FRAME: BATCH from a classic worker");

        // An unknown mode is a bad READY.
        RawWorker odd = new RawWorker(fx.workerBundle("raw-odd"), utf8("READY"), utf8("BAD"), utf8("turbo"));
        assertThat(odd.error()).isEqualTo(
                "BAD_FRAME: expected [READY, \"TYPE1,TYPE2\"] or [READY, \"TYPE1,TYPE2\", \"batch\"]");

        assertThat(workerStats.get("raw-bad").badFrames()).isEqualTo(5);
        assertThat(workerStats.get("raw-classic").badFrames()).isEqualTo(1);

        // The gateway and the misbehaving worker's connection keep serving.
        send(sensor, "4", "BAD", "four");
        List<WorkerBatch.Request> more = new ArrayList<>();
        List<byte[]> classicRequest = null;
        // The least recently used of the two gets it.
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); more.isEmpty() && classicRequest == null
                && System.nanoTime() < until; ) {
            more = raw.poll();
            classicRequest = more.isEmpty() ? classic.pollRequest() : null;
        }
        if (!more.isEmpty()) {
            raw.reply(more, r -> "fine");
        } else {
            assertThat(classicRequest).as("a request reached one of the workers").isNotNull();
            classic.send(utf8("REPLY"), classicRequest.get(1), utf8("ACK"), utf8("fine"));
        }
        assertThat(answers(sensor, 1)).containsEntry("4", "ACK | fine");
    }

    @Test
    void theSdkWorkerFallsBackToClassicFramesWithAGatewayThatRefusesTheMode() throws Exception {
        // A gateway of before the batched mode, played by hand: a CURVE ROUTER that refuses a 3-frame READY.
        serverKeys = CurveKeyPair.generate();
        ZMQ.Socket old = sockets.createSocket(SocketType.ROUTER);
        old.setCurveServer(true);
        old.setCurveSecretKey(serverKeys.secretKey());
        old.setReceiveTimeOut(30_000);
        old.bind("tcp://127.0.0.1:*");
        String endpoint = old.getLastEndpoint();
        Path out = dir.resolve("bundles").resolve("old-1");
        ZCertFiles.writePair(out, "old-1", CurveKeyPair.generate(), Map.of("name", "old-1"));
        ZCertFiles.writePublic(out.resolve("server.key"), ZCert.ofPublic(serverKeys.publicKey(), Map.of("endpoint", endpoint)));
        GatewayWorker w = GatewayWorker.start(ClientBundle.load(out, "old-1"), endpoint, Set.of("OLD"),
                r -> Answer.ack("old " + r.text()), Duration.ofSeconds(10), e -> { });
        closing.add(w);

        List<byte[]> ready = routed(old);
        assertThat(texts(ready.subList(1, ready.size()))).containsExactly("READY", "OLD", "batch");
        old.sendMore(ready.get(0));
        old.sendMore("ERROR");
        old.send("BAD_FRAME: expected [READY, \"TYPE1,TYPE2\"]");
        List<byte[]> classic = routed(old);
        assertThat(texts(classic.subList(1, classic.size()))).containsExactly("READY", "OLD");
        old.sendMore(classic.get(0));
        old.sendMore("READY");
        old.send("OLD");
        assertThat(w.awaitReady(Duration.ofSeconds(30))).isTrue();
        assertThat(w.refusals()).as("the refused mode is not a refused type").isEmpty();

        byte[] id = ByteBuffer.allocate(8).putLong(77).array();
        old.sendMore(classic.get(0));
        old.sendMore("REQUEST");
        old.sendMore(id);
        old.sendMore("OLD");
        old.sendMore("times");
        old.send("sensor-1");
        List<byte[]> reply = routed(old);
        assertThat(reply.get(1)).isEqualTo(utf8("REPLY"));
        assertThat(reply.get(2)).isEqualTo(id);
        assertThat(texts(reply.subList(3, reply.size()))).containsExactly("ACK", "old times");
    }

    /** The next message on a ROUTER that is not a HEARTBEAT: the routing id, then the frames. */
    private static List<byte[]> routed(ZMQ.Socket router) {
        while (true) {
            List<byte[]> m = new ArrayList<>();
            byte[] first = router.recv();
            assertThat(first).as("a message from the worker").isNotNull();
            m.add(first);
            while (router.hasReceiveMore()) {
                m.add(router.recv());
            }
            if (!new String(m.get(1), StandardCharsets.US_ASCII).equals("HEARTBEAT")) {
                return m;
            }
        }
    }

    // ---- workers -----------------------------------------------------------------------------------------

    /** A worker speaking the frames by hand on a DEALER owned by the test's thread. */
    private final class RawWorker {
        final ZMQ.Socket socket;
        /** Requests per BATCH frame received, in order. */
        final List<Integer> frameSizes = new ArrayList<>();

        /** Connects and sends {@code ready} (nothing when empty). */
        RawWorker(Path bundle, byte[]... ready) {
            ClientBundle b = ClientBundle.load(bundle, bundle.getFileName().toString());
            socket = fx.dealer(new CurveKeyPair(b.publicKey(), b.secretKey()), gateway.workers().boundEndpoint());
            if (ready.length > 0) {
                send(ready);
            }
        }

        /** The gateway's answer to READY. */
        List<String> ready() {
            return texts(next());
        }

        /** The next [ERROR, detail]'s detail. */
        String error() {
            List<byte[]> m = next();
            assertThat(new String(m.get(0), StandardCharsets.US_ASCII)).isEqualTo("ERROR");
            return new String(m.get(1), StandardCharsets.UTF_8);
        }

        /** Reads BATCH frames until {@code n} requests came. */
        List<WorkerBatch.Request> requests(int n) throws Exception {
            List<WorkerBatch.Request> out = new ArrayList<>();
            while (out.size() < n) {
                out.addAll(batch(next()));
            }
            assertThat(out).hasSize(n);
            return out;
        }

        /** The requests of a BATCH waiting now, or none. */
        List<WorkerBatch.Request> poll() throws Exception {
            socket.setReceiveTimeOut(50);
            List<byte[]> m = receive();
            socket.setReceiveTimeOut(30_000);
            return m == null ? List.of() : batch(m);
        }

        private List<WorkerBatch.Request> batch(List<byte[]> m) throws Exception {
            assertThat(m.get(0)).as("a BATCH").isEqualTo(WorkerBatch.BATCH);
            assertThat(m).hasSize(2);
            List<WorkerBatch.Request> rs = WorkerBatch.requests(m.get(1));
            frameSizes.add(rs.size());
            return rs;
        }

        /** Answers {@code requests} ACK, in one frame. */
        void reply(List<WorkerBatch.Request> requests, java.util.function.Function<WorkerBatch.Request, String> detail) {
            WorkerBatch.Packer p = new WorkerBatch.Packer(WorkerBatch.MAX_FRAME_BYTES);
            for (WorkerBatch.Request r : requests) {
                p.reply(r.id(), true, utf8(detail.apply(r)));
            }
            send(WorkerBatch.BATCH, p.take());
        }

        void send(byte[]... frames) {
            for (int i = 0; i < frames.length; i++) {
                assertThat(socket.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0)).isTrue();
            }
        }

        /** Closes its connection at once, nothing said: to the gateway, a worker that died. */
        void kill() {
            socket.setLinger(0);
            socket.close();
        }

        /** The next message that is not a HEARTBEAT (answered). */
        private List<byte[]> next() {
            List<byte[]> m = receive();
            assertThat(m).as("a message from the gateway").isNotNull();
            return m;
        }

        private List<byte[]> receive() {
            while (true) {
                byte[] first = socket.recv();
                if (first == null) {
                    return null;
                }
                List<byte[]> m = new ArrayList<>();
                m.add(first);
                while (socket.hasReceiveMore()) {
                    m.add(socket.recv());
                }
                if (new String(first, StandardCharsets.US_ASCII).equals("HEARTBEAT")) {
                    socket.send("HEARTBEAT");
                    continue;
                }
                return m;
            }
        }

        /** A classic REQUEST waiting now, or null. */
        List<byte[]> pollRequest() {
            socket.setReceiveTimeOut(50);
            List<byte[]> m = receive();
            socket.setReceiveTimeOut(30_000);
            if (m != null) {
                assertThat(new String(m.get(0), StandardCharsets.US_ASCII)).isEqualTo("REQUEST");
            }
            return m;
        }
    }

    /** A classic worker on a thread of its own: answers each REQUEST {@code "classic " + payload}. */
    private final class ClassicWorker implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        ClassicWorker(Path bundle, String type) {
            ClientBundle b = ClientBundle.load(bundle, bundle.getFileName().toString());
            CurveKeyPair keys = new CurveKeyPair(b.publicKey(), b.secretKey());
            String endpoint = gateway.workers().boundEndpoint();
            thread = new Thread(() -> {
                try (ZContext own = new ZContext(1)) {
                    ZMQ.Socket s = own.createSocket(SocketType.DEALER);
                    s.setLinger(0);
                    s.setHandshakeIvl(3000);
                    s.setReceiveTimeOut(100);
                    s.setCurveServerKey(serverKeys.publicKey());
                    s.setCurvePublicKey(keys.publicKey());
                    s.setCurveSecretKey(keys.secretKey());
                    s.connect(endpoint);
                    s.sendMore("READY");
                    s.send(type);
                    while (running) {
                        byte[] first = s.recv();
                        if (first == null) {
                            continue;
                        }
                        List<byte[]> m = new ArrayList<>();
                        m.add(first);
                        while (s.hasReceiveMore()) {
                            m.add(s.recv());
                        }
                        String command = new String(first, StandardCharsets.US_ASCII);
                        if (command.equals("HEARTBEAT")) {
                            s.send("HEARTBEAT");
                        } else if (command.equals("REQUEST")) {
                            s.sendMore("REPLY");
                            s.sendMore(m.get(1));
                            s.sendMore("ACK");
                            s.send("classic " + new String(m.get(3), StandardCharsets.UTF_8));
                        }
                    }
                }
            }, "classic-worker");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    private GatewayWorker sdkWorker(Path bundle, String type) throws InterruptedException {
        String name = bundle.getFileName().toString();
        GatewayWorker w = GatewayWorker.start(ClientBundle.load(bundle, name), gateway.workers().boundEndpoint(),
                Set.of(type), r -> Answer.ack(r.text().toUpperCase(Locale.ROOT)), Duration.ofSeconds(10), e -> { });
        closing.add(w);
        assertThat(w.awaitReady(Duration.ofSeconds(30))).as(name + " announced").isTrue();
        return w;
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** {@code [EGW/1, id, type, payload]}. */
    private static void send(ZMQ.Socket sensor, String id, String type, String payload) {
        sensor.sendMore("EGW/1");
        sensor.sendMore(id);
        sensor.sendMore(type);
        sensor.send(payload);
    }

    /** {@code n} versioned answers by their id, as "STATUS | detail"; an id answered twice fails. */
    private static Map<String, String> answers(ZMQ.Socket sensor, int n) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] version = sensor.recv();
            assertThat(version).as("answer " + (i + 1) + " of " + n).isNotNull();
            String id = sensor.recvStr();
            String status = sensor.recvStr();
            String detail = sensor.recvStr();
            assertThat(out.put(id, status + " | " + detail)).as("one answer for " + id).isNull();
        }
        return out;
    }

    private static List<String> texts(List<byte[]> frames) {
        List<String> out = new ArrayList<>();
        for (byte[] f : frames) {
            out.add(new String(f, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
