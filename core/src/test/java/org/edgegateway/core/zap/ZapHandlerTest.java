package org.edgegateway.core.zap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.health.Health;
import org.edgegateway.keys.ClientRecord;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

/**
 * The ZAP handler behind a real CURVE ROUTER, with real CURVE clients: whatever its listener throws,
 * it keeps answering, and an unknown key is never let in.
 */
@Timeout(120)
class ZapHandlerTest {
    private final Clock clock = Clock.systemUTC();
    private final KeyCache keys = new KeyCache();
    private final CurveKeyPair server = CurveKeyPair.generate();
    private final CurveKeyPair member = CurveKeyPair.generate();
    private final Health health = new Health(clock);
    private final List<Health.Death> deaths = new CopyOnWriteArrayList<>();
    private final AtomicBoolean throwOnDenied = new AtomicBoolean();
    private final AtomicBoolean throwOnAllowed = new AtomicBoolean();
    private ZContext context;
    private ZContext clients;
    private ZapHandler zap;
    private ZMQ.Socket router;

    @BeforeEach
    void start() {
        keys.put(new ClientRecord(1, "member", member.publicZ85(), ClientStatus.ACTIVE, Instant.now(), "test",
                null, null, null, null, null, null, null));
        health.onDeath(deaths::add);
        context = new ZContext(1);
        clients = new ZContext(1);
        // A listener with a bug that throws Errors, which the old loop did not catch.
        zap = new ZapHandler(context, keys, ZapHandler.AddressGate.OPEN, ZapHandler.KeyGate.OPEN, new ZapHandler.Listener() {
            @Override
            public void allowed(KeyCache.Entry client, String address, String domain) {
                if (throwOnAllowed.get()) {
                    throw new AssertionError("a listener bug on admission");
                }
            }

            @Override
            public void denied(String reason, String keyZ85, String address, String domain) {
                if (throwOnDenied.get()) {
                    throw new StackOverflowError("a listener bug on refusal");
                }
            }
        }, clock, health);
        zap.start();
        router = context.createSocket(SocketType.ROUTER);
        router.setLinger(0);
        router.setCurveServer(true);
        router.setCurveSecretKey(server.secretKey());
        router.setZAPDomain(ZapHandler.ROUTER_DOMAIN);
        router.bind("tcp://127.0.0.1:*");
    }

    @AfterEach
    void stop() {
        clients.close();
        router.close();
        zap.close();
        context.close();
    }

    /** What became of one CURVE client with {@code keys}: refused at the handshake, or admitted (its message arrived). */
    private String connect(CurveKeyPair keys) throws Exception {
        CompletableFuture<ZMonitor.Event> refused = new CompletableFuture<>();
        ZMQ.Socket s = clients.createSocket(SocketType.DEALER);
        try {
            s.setLinger(0);
            s.setHandshakeIvl(2000);
            s.setCurveServerKey(server.publicKey());
            s.setCurvePublicKey(keys.publicKey());
            s.setCurveSecretKey(keys.secretKey());
            s.setEventHook((ZEvent e) -> refused.complete(e.getEvent()), ZMQ.HANDSHAKE_FAILED_AUTH);
            s.connect(router.getLastEndpoint());
            String marker = "hello from " + keys.publicZ85();
            s.send(marker);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                if (refused.isDone()) {
                    return "refused";
                }
                byte[] id = router.recv(ZMQ.DONTWAIT);
                if (id != null) {
                    String got = router.recvStr();
                    if (marker.equals(got)) {
                        return "admitted";
                    }
                    continue;
                }
                Thread.sleep(20);
            }
            return "no outcome";
        } finally {
            s.close();
        }
    }

    @Test
    void aListenerThatThrowsErrorsNeverOpensTheDoorAndTheHandlerKeepsServing() throws Exception {
        throwOnDenied.set(true);
        assertThat(connect(CurveKeyPair.generate())).as("first stranger").isEqualTo("refused");
        // With the old loop the Error above ended the thread and unbound the ZAP socket, and JeroMQ's
        // CURVE server then admitted everyone.
        assertThat(connect(CurveKeyPair.generate())).as("second stranger").isEqualTo("refused");
        assertThat(connect(member)).as("an enrolled key").isEqualTo("admitted");

        // A failure while admitting is a refusal, not an admission; the next request is decided as usual.
        throwOnAllowed.set(true);
        assertThat(connect(member)).as("enrolled, listener failing").isEqualTo("refused");
        throwOnAllowed.set(false);
        assertThat(connect(CurveKeyPair.generate())).as("third stranger").isEqualTo("refused");
        assertThat(connect(member)).as("enrolled again").isEqualTo("admitted");

        assertThat(deaths).isEmpty();
        assertThat(health.view().checks()).containsEntry(Health.ZAP, "up");
    }
}
