package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgegateway.core.zap.ZapHandler;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The start-up probe against a real CURVE ROUTER and a real ZAP handler (RFC 27 over inproc) that
 * answers late, as a gateway's does while a restart's reconnect storm queues thousands of handshakes
 * in front of the probe's.
 */
class StartupSelfTestTest {

    /** Answers every ZAP request with {@code status} after {@code delayMillis}; tells the test of a refused probe. */
    private static Thread zap(ZContext context, String status, long delayMillis, StartupSelfTest test,
                              AtomicInteger requests) {
        ZMQ.Socket rep = context.createSocket(SocketType.REP);
        rep.bind(ZapHandler.ENDPOINT);
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    ZMsg request = ZMsg.recvMsg(rep);
                    if (request == null) {
                        return;
                    }
                    requests.incrementAndGet();
                    Thread.sleep(delayMillis);
                    String version = request.popString();
                    String id = request.popString();
                    request.popString(); // domain
                    request.popString(); // address
                    request.popString(); // identity
                    request.popString(); // mechanism
                    byte[] key = request.pop().getData();
                    ZMsg reply = new ZMsg();
                    reply.add(version);
                    reply.add(id);
                    reply.add(status);
                    reply.add(status.equals("200") ? "OK" : "unknown key");
                    reply.add(status.equals("200") ? "probe" : "");
                    reply.add(new byte[0]);
                    reply.send(rep);
                    if (!status.equals("200") && ZMQ.Curve.z85Encode(key).equals(test.probeKey())) {
                        test.refusedByZap();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // the context closed under the receive: the test is over
            } finally {
                rep.close();
            }
        }, "test-zap");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static ZMQ.Socket router(ZContext context, CurveKeyPair server) {
        ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
        router.setCurveServer(true);
        router.setCurveSecretKey(server.secretKey());
        router.setZAPDomain(ZapHandler.ROUTER_DOMAIN.getBytes(StandardCharsets.UTF_8));
        router.bind("tcp://127.0.0.1:*");
        return router;
    }

    /**
     * A loopback TCP relay in front of {@code target} that holds each connection's first bytes from
     * the server for {@code delayMillis}: a server whose I/O thread is busy with a storm of handshakes
     * greets late.
     */
    private static final class SlowGreetingRelay implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        SlowGreetingRelay(int targetPort, long delayMillis) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket client = listener.accept();
                        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                        open.add(client);
                        open.add(server);
                        pump(client, server, 0);
                        pump(server, client, delayMillis);
                    }
                } catch (IOException e) {
                    // closed: the test is over
                }
            }, "test-relay");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void pump(Socket from, Socket to, long delayMillis) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                boolean first = true;
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (first) {
                            Thread.sleep(delayMillis);
                            first = false;
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // either side closed
                } finally {
                    close(from);
                    close(to);
                }
            }, "test-relay-pump");
            t.setDaemon(true);
            t.start();
        }

        private static void close(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        String endpoint() {
            return "tcp://127.0.0.1:" + listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            open.forEach(SlowGreetingRelay::close);
        }
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /**
     * Runs the probe against a ROUTER whose ZAP handler refuses after {@code zapDelayMillis}, reached
     * through a relay that holds its greeting {@code greetingDelayMillis} (0: directly).
     *
     * @return the ZAP requests the handler saw
     */
    private static int probeRefused(long zapDelayMillis, long greetingDelayMillis) throws IOException {
        CurveKeyPair server = CurveKeyPair.generate();
        StartupSelfTest test = new StartupSelfTest();
        AtomicInteger requests = new AtomicInteger();
        try (ZContext context = new ZContext(1)) {
            Thread zap = zap(context, "400", zapDelayMillis, test, requests);
            ZMQ.Socket router = router(context, server);
            if (greetingDelayMillis == 0) {
                test.run(router.getLastEndpoint(), server.publicKey());
            } else {
                try (SlowGreetingRelay relay = new SlowGreetingRelay(port(router.getLastEndpoint()), greetingDelayMillis)) {
                    test.run(relay.endpoint(), server.publicKey());
                }
            }
            zap.interrupt();
        }
        return requests.get();
    }

    @Test
    void aRefusalBehindAServerThatGreetsSecondsLateIsStillConfirmed() throws Exception {
        // Later than the probe's handshake limit was (1 s, which covers the greeting in JeroMQ 0.6.0):
        // the probe gave up and connected again, for ever, and a restart under a storm refused to serve.
        assertThat(probeRefused(0, 2_500)).as("the probe's handshake reached the ZAP handler").isPositive();
    }

    @Test
    void aRefusalThatTakesTheZapHandlerSecondsIsStillConfirmed() throws Exception {
        assertThat(probeRefused(2_500, 0)).as("the probe's handshake reached the ZAP handler once").isEqualTo(1);
    }

    @Test
    void anAdmittedProbeStopsTheStart() {
        CurveKeyPair server = CurveKeyPair.generate();
        StartupSelfTest test = new StartupSelfTest(Duration.ofSeconds(5));
        AtomicInteger requests = new AtomicInteger();
        try (ZContext context = new ZContext(1)) {
            Thread zap = zap(context, "200", 0, test, requests);
            ZMQ.Socket router = router(context, server);
            assertThatThrownBy(() -> test.run(router.getLastEndpoint(), server.publicKey()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not confirm that an unknown CURVE key is refused")
                    .hasMessageContaining("refusing to serve");
            assertThat(requests.get()).as("the probe was admitted by the ZAP handler").isPositive();
            zap.interrupt();
        }
    }
}
