package org.edgegateway.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.protocol.Frames;
import org.edgegateway.protocol.Inbound;
import org.edgegateway.protocol.Push;
import org.edgegateway.protocol.Reply;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A minimal stand-in for the gateway's transport, for client tests: a CURVE ROUTER with a ZAP
 * handler that admits a fixed key set, speaking docs/PROTOCOL.md, with a de-duplication window per
 * (client key, correlation id). Thread-safe: each socket is owned by its own thread; tests talk to
 * it through concurrent collections.
 *
 * <p>Types: {@code echo} (ACK with the payload), {@code fail} (ERROR BAD_PAYLOAD), {@code silent}
 * (never answers), {@code drop-first} (processed and recorded, but the first answer is not sent, so
 * only a retry gets it), anything else ACK "ok".
 */
public final class StubGateway implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StubGateway.class);
    private final ZContext context = new ZContext(1);
    private final Thread zapThread;
    private final Thread routerThread;
    private final String endpoint;
    private final CountDownLatch ready = new CountDownLatch(2);
    private volatile boolean stopping;

    /** Processed messages by (client key, correlation id); a retry must not add one. */
    final Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger pings = new AtomicInteger();
    private final Set<String> allowed = ConcurrentHashMap.newKeySet();
    private final Map<String, Reply> dedup = new ConcurrentHashMap<>();
    private final Map<String, byte[]> routingIds = new ConcurrentHashMap<>();
    private final Queue<Object[]> pushes = new ConcurrentLinkedQueue<>();

    public StubGateway(byte[] serverPublic, byte[] serverSecret, Set<String> allowedZ85, int port) throws InterruptedException {
        ZMQ.Socket zap = context.createSocket(SocketType.REP);
        zap.bind("inproc://zeromq.zap.01");
        allowed.addAll(allowedZ85);
        zapThread = new Thread(() -> zapLoop(zap, allowed), "stub-zap");
        zapThread.start();
        ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
        router.setLinger(0);
        router.setCurveServer(true);
        router.setCurvePublicKey(serverPublic);
        router.setCurveSecretKey(serverSecret);
        router.setZAPDomain("global");
        router.setEventHook(e -> LOG.debug("stub router: {} {}", e.getEvent(), e.getValue()), ZMQ.EVENT_ALL);
        // Never let the inbound pipe fill: JeroMQ 0.6.0 can then deliver an undecrypted CURVE frame
        // (zeromq/jeromq#1009).
        router.setRcvHWM(0);
        router.setSndHWM(0);
        router.bind("tcp://127.0.0.1:" + (port == 0 ? "*" : String.valueOf(port)));
        endpoint = router.getLastEndpoint();
        routerThread = new Thread(() -> routerLoop(router), "stub-router");
        routerThread.start();
        if (!ready.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("stub gateway did not start");
        }
    }

    public String endpoint() {
        return endpoint;
    }

    public int port() {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /** Total times messages with this correlation id were processed, over all clients. */
    public int processedCount(byte[] correlationId) {
        String suffix = "/" + hex(correlationId);
        return processed.entrySet().stream().filter(e -> e.getKey().endsWith(suffix))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    /** Admits one more client key. */
    public void allow(String clientZ85) {
        allowed.add(clientZ85);
    }

    public boolean knows(String clientZ85) {
        return routingIds.containsKey(clientZ85);
    }

    public void push(String clientZ85, String type, byte[] payload) {
        pushes.add(new Object[] {clientZ85, type, payload});
    }

    private void zapLoop(ZMQ.Socket zap, Set<String> allowed) {
        ZMQ.Poller poller = context.createPoller(1);
        poller.register(zap, ZMQ.Poller.POLLIN);
        ready.countDown();
        while (!stopping) {
            if (poller.poll(50) <= 0) {
                continue;
            }
            List<byte[]> request = new ArrayList<>();
            request.add(zap.recv());
            while (zap.hasReceiveMore()) {
                request.add(zap.recv());
            }
            String key = request.size() >= 7 ? ZMQ.Curve.z85Encode(request.get(6)) : "";
            boolean ok = allowed.contains(key);
            LOG.debug("stub zap: {} frames, key {} -> {}", request.size(), key, ok);
            zap.sendMore("1.0");
            zap.sendMore(request.get(1));
            zap.sendMore(ok ? "200" : "400");
            zap.sendMore(ok ? "OK" : "unknown key");
            zap.sendMore(ok ? key : "");
            zap.send(new byte[0]);
        }
        poller.close();
        zap.close();
    }

    private void routerLoop(ZMQ.Socket router) {
        ready.countDown();
        ZMQ.Poller poller = context.createPoller(1);
        poller.register(router, ZMQ.Poller.POLLIN);
        while (!stopping) {
            if (poller.poll(10) < 0) {
                break;
            }
            Object[] push;
            while ((push = pushes.poll()) != null) {
                byte[] rid = routingIds.get((String) push[0]);
                if (rid != null) {
                    send(router, rid, Frames.encodePush(new Push((String) push[1], (byte[]) push[2])));
                }
            }
            while (true) {
                zmq.Msg msg = router.base().recv(ZMQ.DONTWAIT);
                if (msg == null) {
                    break;
                }
                byte[] rid = msg.data();
                List<byte[]> frames = new ArrayList<>();
                String user = null;
                while (router.hasReceiveMore()) {
                    zmq.Msg part = router.base().recv(0);
                    if (user == null && part.getMetadata() != null) {
                        user = part.getMetadata().get(zmq.io.Metadata.USER_ID);
                    }
                    frames.add(part.data());
                }
                handle(router, rid, user == null ? "?" : user, frames);
            }
        }
        poller.close();
        router.close();
    }

    private void handle(ZMQ.Socket router, byte[] rid, String user, List<byte[]> frames) {
        received.incrementAndGet();
        routingIds.put(user, rid);
        Inbound inbound = Frames.decodeRequest(frames);
        if (inbound instanceof Inbound.Ping ping) {
            pings.incrementAndGet();
            send(router, rid, Frames.encodeReply(Reply.pong(ping.envelope())));
            return;
        }
        if (inbound instanceof Inbound.Malformed bad) {
            send(router, rid, Frames.encodeReply(Reply.error(bad.envelope(), bad.code(), bad.detail())));
            return;
        }
        Inbound.Data data = (Inbound.Data) inbound;
        String key = user + "/" + hex(data.envelope().correlationId());
        Reply previous = dedup.get(key);
        if (previous != null) {
            send(router, rid, Frames.encodeReply(previous));
            return;
        }
        processed.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        Reply reply = switch (data.type()) {
            case "echo" -> new Reply(data.envelope(), Reply.Status.ACK, null, data.payload());
            case "fail" -> Reply.error(data.envelope(), ErrorCode.BAD_PAYLOAD, "not JSON");
            default -> Reply.ack(data.envelope(), "ok");
        };
        if (data.type().equals("silent")) {
            return;
        }
        dedup.put(key, reply);
        if (!data.type().equals("drop-first")) {
            send(router, rid, Frames.encodeReply(reply));
        }
    }

    private static void send(ZMQ.Socket router, byte[] rid, List<byte[]> frames) {
        router.sendMore(rid);
        for (int i = 0; i < frames.size() - 1; i++) {
            router.sendMore(frames.get(i));
        }
        router.send(frames.get(frames.size() - 1));
    }

    static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b));
        }
        return out.toString();
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static ByteBuffer key(byte[] b) {
        return ByteBuffer.wrap(b);
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        routerThread.join(10_000);
        zapThread.join(10_000);
        context.close();
    }
}
