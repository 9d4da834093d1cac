package org.edgegateway.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The bare JeroMQ CURVE ROUTER the gateway is compared with: a ZAP handler admitting a fixed set of
 * public keys, and a ROUTER that answers every {@code [TYPE, PAYLOAD]} with
 * {@code [ACK, "TYPE received (N bytes)"]} and nothing else (no admission, no codec, no plugin, no
 * worker hand-off). Owns two threads: {@code echo-zap} (the ZAP REP socket) and {@code echo-router}
 * (the ROUTER); run as its own process by {@link SideBySide}. The ROUTER has the gateway's socket
 * options (CURVE server, ZAP domain, high-water marks, ZMTP heartbeats, handshake time limit), so the
 * transport and crypto work per message and per connection are the same.
 *
 * <pre>
 * java -cp ... org.edgegateway.bench.EchoServer ENDPOINT SERVER_SECRET_Z85_FILE ALLOWED_KEYS_FILE
 * </pre>
 *
 * ALLOWED_KEYS_FILE holds one Z85 public key per line (other words on a line are ignored). Prints
 * {@code READY endpoint} on standard output once both sockets are bound; SIGTERM stops it.
 */
public final class EchoServer {
    private static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";
    private static final byte[] ACK = "ACK".getBytes(StandardCharsets.US_ASCII);

    private final ZContext context = new ZContext(1);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> allowed;
    private final byte[] serverSecret;
    private final String endpoint;

    private EchoServer(String endpoint, byte[] serverSecret, Set<String> allowed) {
        this.endpoint = endpoint;
        this.serverSecret = serverSecret;
        this.allowed = allowed;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EchoServer ENDPOINT SERVER_SECRET_Z85_FILE ALLOWED_KEYS_FILE");
            System.exit(2);
        }
        byte[] secret = ZMQ.Curve.z85Decode(Files.readString(Path.of(args[1])).strip());
        Set<String> allowed = new HashSet<>();
        for (String line : Files.readAllLines(Path.of(args[2]))) {
            String[] words = line.strip().split("\\s+");
            if (!words[0].isEmpty()) {
                allowed.add(words[0]);
            }
        }
        new EchoServer(args[0], secret, allowed).run();
    }

    private void run() throws InterruptedException {
        CountDownLatch zapBound = new CountDownLatch(1);
        Thread zap = new Thread(() -> zapLoop(zapBound), "echo-zap");
        zap.start();
        zapBound.await();
        ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
        router.setCurveServer(true);
        router.setCurveSecretKey(serverSecret);
        router.setZAPDomain("echo");
        router.setRouterMandatory(true);
        router.setLinger(0);
        router.setSndHWM(10_000);
        router.setRcvHWM(10_000);
        router.setHeartbeatIvl(10_000);
        router.setHeartbeatTimeout(30_000);
        router.setHeartbeatTtl(30_000);
        router.setHandshakeIvl(10_000);
        router.setReceiveTimeOut(250);
        router.bind(endpoint);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            try {
                main.join(5_000);
                zap.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "echo-stop"));
        System.out.println("READY " + router.getLastEndpoint());
        System.out.flush();
        List<byte[]> frames = new ArrayList<>(4);
        while (running.get()) {
            byte[] routingId = router.recv(0);
            if (routingId == null) {
                continue;
            }
            frames.clear();
            while (router.hasReceiveMore()) {
                frames.add(router.recv(0));
            }
            String type = frames.isEmpty() ? "" : new String(frames.get(0), StandardCharsets.US_ASCII);
            int size = frames.size() > 1 ? frames.get(1).length : 0;
            byte[] detail = (type + " received (" + size + " bytes)").getBytes(StandardCharsets.US_ASCII);
            try {
                router.sendMore(routingId);
                router.sendMore(ACK);
                router.send(detail, 0);
            } catch (ZMQException e) {
                // the peer is gone (ROUTER_MANDATORY): nothing to answer
            }
        }
        router.close();
        zap.join(5_000);
        context.close();
    }

    private void zapLoop(CountDownLatch bound) {
        ZMQ.Socket rep = context.createSocket(SocketType.REP);
        rep.setLinger(0);
        rep.setReceiveTimeOut(250);
        rep.bind(ZAP_ENDPOINT);
        bound.countDown();
        List<byte[]> request = new ArrayList<>(8);
        while (running.get()) {
            byte[] first = rep.recv(0);
            if (first == null) {
                continue;
            }
            request.clear();
            request.add(first);
            while (rep.hasReceiveMore()) {
                request.add(rep.recv(0));
            }
            byte[] requestId = request.size() > 1 ? request.get(1) : new byte[0];
            String status = "400";
            String userId = "";
            if (request.size() == 7 && "CURVE".equals(new String(request.get(5), StandardCharsets.US_ASCII))
                    && request.get(6).length == 32) {
                String key = ZMQ.Curve.z85Encode(request.get(6));
                if (allowed.contains(key)) {
                    status = "200";
                    userId = key;
                }
            }
            rep.sendMore("1.0");
            rep.sendMore(requestId);
            rep.sendMore(status);
            rep.sendMore("200".equals(status) ? "OK" : "Denied");
            rep.sendMore(userId);
            rep.send(new byte[0], 0);
        }
        rep.close();
    }
}
