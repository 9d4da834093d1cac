package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgegateway.core.testing.TcpRelay;
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

    /**
     * A ZAP handler that answers every request with one status after a delay, and tells the test of
     * a refused probe. It stops on a flag (its socket has a receive time limit), never by interrupt:
     * JeroMQ consumes a thread's interrupt inside a send, and the thread would block in its next
     * receive, keeping the context from closing. Close it before the context.
     */
    private static final class ZapStub implements AutoCloseable {
        private final Thread thread;
        private final AtomicInteger requests = new AtomicInteger();
        private volatile boolean running = true;

        ZapStub(ZContext context, String status, long delayMillis, StartupSelfTest test) {
            ZMQ.Socket rep = context.createSocket(SocketType.REP);
            rep.setReceiveTimeOut(100);
            rep.bind(ZapHandler.ENDPOINT);
            thread = new Thread(() -> {
                try {
                    while (running) {
                        ZMsg request = ZMsg.recvMsg(rep);
                        if (request != null) {
                            answer(rep, request, status, delayMillis, test);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    rep.close();
                }
            }, "test-zap");
            thread.setDaemon(true);
            thread.start();
        }

        private void answer(ZMQ.Socket rep, ZMsg request, String status, long delayMillis, StartupSelfTest test)
                throws InterruptedException {
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

        int requests() {
            return requests.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    private static ZMQ.Socket router(ZContext context, CurveKeyPair server) {
        ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
        router.setCurveServer(true);
        router.setCurveSecretKey(server.secretKey());
        router.setZAPDomain(ZapHandler.ROUTER_DOMAIN.getBytes(StandardCharsets.UTF_8));
        router.bind("tcp://127.0.0.1:*");
        return router;
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
    private static int probeRefused(long zapDelayMillis, long greetingDelayMillis) throws Exception {
        CurveKeyPair server = CurveKeyPair.generate();
        StartupSelfTest test = new StartupSelfTest();
        try (ZContext context = new ZContext(1); ZapStub zap = new ZapStub(context, "400", zapDelayMillis, test)) {
            ZMQ.Socket router = router(context, server);
            if (greetingDelayMillis == 0) {
                test.run(router.getLastEndpoint(), server.publicKey());
            } else {
                try (TcpRelay relay = new TcpRelay(port(router.getLastEndpoint()), greetingDelayMillis)) {
                    test.run(relay.endpoint(), server.publicKey());
                }
            }
            return zap.requests();
        }
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
    void anAdmittedProbeStopsTheStart() throws Exception {
        CurveKeyPair server = CurveKeyPair.generate();
        StartupSelfTest test = new StartupSelfTest(Duration.ofSeconds(5));
        try (ZContext context = new ZContext(1); ZapStub zap = new ZapStub(context, "200", 0, test)) {
            ZMQ.Socket router = router(context, server);
            assertThatThrownBy(() -> test.run(router.getLastEndpoint(), server.publicKey()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not confirm that an unknown CURVE key is refused")
                    .hasMessageContaining("refusing to serve");
            assertThat(zap.requests()).as("the probe was admitted by the ZAP handler").isPositive();
        }
    }
}
