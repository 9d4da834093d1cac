package org.edgegateway.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.edgegateway.protocol.ProtocolException;
import org.edgegateway.protocol.WorkerBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A worker: serves message types for a gateway from outside it, over CURVE with an enrolled worker
 * key (a bundle written by {@code edge-gateway workers add NAME --generate --out DIR}). Owns one
 * thread, {@code egw-worker-<name>}, and its DEALER; the handler runs on that thread, one request at a
 * time. Thread-safe to {@link #close()} from any thread.
 *
 * <p>The exchange (docs/PROTOCOL.md, "Workers"): the worker announces itself batched,
 * {@code [READY, "T1,T2", "batch"]}; the gateway sends {@code [BATCH, packed]} frames, each holding
 * the requests that were ready for this worker at once, and the worker answers each frame with one
 * {@code [BATCH, packed]} of its replies ({@link WorkerBatch}), so that many requests share one frame
 * and one CURVE box each way. A gateway that does not know the batched mode refuses the third frame;
 * the worker then announces itself classic, {@code [READY, "T1,T2"]}, and serves
 * {@code [REQUEST, id, TYPE, PAYLOAD, CLIENT]} with {@code [REPLY, id, ACK|ERROR, DETAIL]}. Both sides
 * send {@code [HEARTBEAT]} every interval and take the other for dead after three missed. When the
 * gateway goes quiet or says {@code DISCONNECT}, the worker connects again and announces itself again.
 *
 * <pre>{@code
 * try (GatewayWorker w = GatewayWorker.start(ClientBundle.load(dir), Set.of("UPPER"),
 *         request -> Answer.ack(request.text().toUpperCase()))) {
 *     ...
 * }
 * }</pre>
 */
public final class GatewayWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayWorker.class);
    private static final byte[] READY = ascii("READY");
    private static final byte[] REQUEST = ascii("REQUEST");
    private static final byte[] REPLY = ascii("REPLY");
    private static final byte[] HEARTBEAT = ascii("HEARTBEAT");
    private static final byte[] DISCONNECT = ascii("DISCONNECT");
    private static final byte[] ERROR = ascii("ERROR");
    private static final byte[] MODE_BATCH = ascii(WorkerBatch.MODE);
    /** How a gateway without the batched mode refuses its READY. */
    private static final String READY_REFUSED = "BAD_FRAME: expected [READY";

    /** One request as the handler sees it. */
    public record Request(String type, byte[] payload, String client) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** The handler's answer: ACK with a detail, or an error the client sees as HANDLER_FAILED (or BAD_PAYLOAD). */
    public record Answer(boolean ack, String detail) {
        public static Answer ack(String detail) {
            return new Answer(true, detail);
        }

        /** Refused: the client gets {@code ERROR BAD_PAYLOAD: detail}. */
        public static Answer badPayload(String detail) {
            return new Answer(false, "BAD_PAYLOAD: " + detail);
        }

        /** Failed: the client gets {@code ERROR HANDLER_FAILED: detail}. */
        public static Answer failed(String detail) {
            return new Answer(false, detail);
        }
    }

    /** Serves one request. Exceptions become {@code HANDLER_FAILED} (their text is not sent). */
    @FunctionalInterface
    public interface Handler {
        Answer handle(Request request) throws Exception;
    }

    private final ClientBundle bundle;
    private final String endpoint;
    private final Set<String> types;
    private final Handler handler;
    private final Duration heartbeat;
    private final Consumer<String> events;
    private final ZContext context = new ZContext(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch announced = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile List<String> refusals = List.of();
    /** Owned by the worker's thread: whether it announces itself batched (until a gateway refuses it). */
    private boolean batched = true;
    private final WorkerBatch.Packer replies = new WorkerBatch.Packer(WorkerBatch.MAX_FRAME_BYTES);
    private Thread thread;

    private GatewayWorker(ClientBundle bundle, String endpoint, Set<String> types, Handler handler, Duration heartbeat,
                          Consumer<String> events) {
        this.bundle = bundle;
        this.endpoint = endpoint;
        this.types = Set.copyOf(types);
        this.handler = handler;
        this.heartbeat = heartbeat;
        this.events = events;
    }

    /** Starts serving {@code types} at the bundle's endpoint, with the default heartbeat (2.5 s). */
    public static GatewayWorker start(ClientBundle bundle, Set<String> types, Handler handler) {
        return start(bundle, bundle.endpoint().orElseThrow(() -> new BundleException(
                "the bundle of " + bundle.name() + " names no endpoint: give one")), types, handler,
                Duration.ofMillis(2500), e -> { });
    }

    /**
     * @param events told (on the worker's thread) "ready TYPES", "refused CODE: detail", "reconnecting"
     */
    public static GatewayWorker start(ClientBundle bundle, String endpoint, Set<String> types, Handler handler,
                                      Duration heartbeat, Consumer<String> events) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("a worker serves at least one type");
        }
        GatewayWorker w = new GatewayWorker(bundle, endpoint, types, handler, heartbeat, events);
        w.thread = new Thread(w::loop, "egw-worker-" + bundle.name());
        w.thread.setDaemon(true);
        w.thread.start();
        return w;
    }

    /** Waits until the gateway acknowledged the announcement (or {@code timeout} passed). */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return announced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What the gateway refused of the announcement, e.g. a type a plugin serves. */
    public List<String> refusals() {
        return refusals;
    }

    private ZMQ.Socket connect() {
        ZMQ.Socket s = context.createSocket(SocketType.DEALER);
        s.setLinger(0);
        s.setCurveServerKey(bundle.serverKey());
        s.setCurvePublicKey(bundle.publicKey());
        s.setCurveSecretKey(bundle.secretKey());
        // A fresh JeroMQ connection can stall before the greeting: give up and retry quickly.
        s.setHandshakeIvl(3000);
        s.setReconnectIVL(200);
        s.setReconnectIVLMax(5000);
        s.connect(endpoint);
        announce(s);
        return s;
    }

    private void announce(ZMQ.Socket s) {
        s.sendMore(READY);
        if (batched) {
            s.sendMore(ascii(String.join(",", types)));
            s.send(MODE_BATCH, 0);
        } else {
            s.send(ascii(String.join(",", types)), 0);
        }
    }

    private void loop() {
        ZMQ.Socket s = connect();
        long interval = heartbeat.toMillis();
        long lastHeard = System.currentTimeMillis();
        long lastSent = lastHeard;
        try {
            while (running) {
                s.setReceiveTimeOut((int) Math.max(10, Math.min(interval, 250)));
                byte[] first = s.recv(0);
                long now = System.currentTimeMillis();
                if (first != null) {
                    List<byte[]> frames = new ArrayList<>(5);
                    frames.add(first);
                    while (s.hasReceiveMore()) {
                        frames.add(s.recv(0));
                    }
                    lastHeard = now;
                    if (Arrays.equals(first, WorkerBatch.BATCH) && frames.size() == 2) {
                        serveBatch(s, frames.get(1));
                        lastSent = System.currentTimeMillis();
                    } else if (Arrays.equals(first, REQUEST) && frames.size() == 5) {
                        serve(s, frames);
                        lastSent = System.currentTimeMillis();
                    } else if (Arrays.equals(first, HEARTBEAT)) {
                        // Answered at once: the gateway's interval may be shorter than this worker's.
                        s.send(HEARTBEAT, ZMQ.DONTWAIT);
                        lastSent = now;
                    } else if (Arrays.equals(first, READY)) {
                        announced.countDown();
                        events.accept("ready " + text(frames, 1));
                    } else if (Arrays.equals(first, ERROR) && batched && announced.getCount() > 0
                            && text(frames, 1).startsWith(READY_REFUSED)) {
                        LOG.info("worker {}: the gateway does not know the batched mode; announcing classic", bundle.name());
                        batched = false;
                        announce(s);
                        lastSent = now;
                    } else if (Arrays.equals(first, ERROR)) {
                        String why = text(frames, 1);
                        List<String> r = new ArrayList<>(refusals);
                        r.add(why);
                        refusals = List.copyOf(r);
                        events.accept("refused " + why);
                    } else if (Arrays.equals(first, DISCONNECT)) {
                        s = reconnect(s, "the gateway said DISCONNECT");
                        lastHeard = System.currentTimeMillis();
                    }
                }
                if (now - lastHeard > 3 * interval) {
                    s = reconnect(s, "no heartbeat from the gateway for " + (now - lastHeard) + " ms");
                    lastHeard = System.currentTimeMillis();
                }
                if (now - lastSent >= interval) {
                    s.send(HEARTBEAT, ZMQ.DONTWAIT);
                    lastSent = now;
                }
            }
            s.send(DISCONNECT, ZMQ.DONTWAIT);
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("worker {}: stopped: {}", bundle.name(), e.toString());
            }
        } finally {
            s.close();
            stopped.countDown();
        }
    }

    private ZMQ.Socket reconnect(ZMQ.Socket s, String why) {
        LOG.info("worker {}: {}; connecting again", bundle.name(), why);
        events.accept("reconnecting");
        s.close();
        return connect();
    }

    /** Serves the requests of one BATCH and answers them together (several frames only past the cap). */
    private void serveBatch(ZMQ.Socket s, byte[] packed) {
        List<WorkerBatch.Request> requests;
        try {
            requests = WorkerBatch.requests(packed);
        } catch (ProtocolException e) {
            LOG.warn("worker {}: dropped a malformed BATCH from the gateway: {}", bundle.name(), e.getMessage());
            return;
        }
        for (WorkerBatch.Request r : requests) {
            Answer answer = answer(new Request(r.type(), r.payload(), r.client()));
            byte[] detail = answer.detail().getBytes(StandardCharsets.UTF_8);
            if (!replies.fits(WorkerBatch.Packer.replyBytes(detail))) {
                s.sendMore(WorkerBatch.BATCH);
                s.send(replies.take(), 0);
            }
            replies.reply(r.id(), answer.ack(), detail);
        }
        s.sendMore(WorkerBatch.BATCH);
        s.send(replies.take(), 0);
    }

    private void serve(ZMQ.Socket s, List<byte[]> frames) {
        Answer answer = answer(new Request(text(frames, 2), frames.get(3), new String(frames.get(4), StandardCharsets.UTF_8)));
        s.sendMore(REPLY);
        s.sendMore(frames.get(1));
        s.sendMore(answer.ack() ? "ACK" : "ERROR");
        s.send(answer.detail().getBytes(StandardCharsets.UTF_8), 0);
    }

    private Answer answer(Request request) {
        try {
            Answer answer = handler.handle(request);
            return answer != null ? answer : Answer.failed("the handler returned nothing");
        } catch (Exception | LinkageError e) {
            LOG.warn("worker {}: handler for {} failed: {}", bundle.name(), request.type(), e.toString());
            return Answer.failed("handler for " + request.type() + " failed");
        }
    }

    private static String text(List<byte[]> frames, int i) {
        return i < frames.size() ? new String(frames.get(i), StandardCharsets.UTF_8) : "";
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        running = false;
        try {
            if (thread != null && !stopped.await(5, TimeUnit.SECONDS)) {
                LOG.warn("worker {}: did not stop within 5 s", bundle.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
    }
}
