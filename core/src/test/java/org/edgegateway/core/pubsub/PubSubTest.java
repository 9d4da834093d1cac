package org.edgegateway.core.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.core.zap.ZapHandler;
import org.edgegateway.keys.ClientRecord;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The CURVE XPUB publisher with a real ZAP handler, real CURVE subscribers and ephemeral ports. */
@Timeout(60)
class PubSubTest {
    private final Clock clock = Clock.systemUTC();
    private final CurveKeyPair server = CurveKeyPair.generate();
    private final KeyCache keys = new KeyCache();
    private final List<String> denials = new CopyOnWriteArrayList<>();
    private final List<String> admissions = new CopyOnWriteArrayList<>();
    private ZContext context;
    private ZContext clients;
    private ZapHandler zap;
    private PubSub pubsub;

    @BeforeEach
    void start() {
        context = new ZContext(1);
        clients = new ZContext(1);
        zap = new ZapHandler(context, keys, ZapHandler.AddressGate.OPEN, new ZapHandler.Listener() {
            @Override
            public void allowed(KeyCache.Entry client, String address, String domain) {
                admissions.add(client.name());
            }

            @Override
            public void denied(String reason, String keyZ85, String address, String domain) {
                denials.add(reason);
            }
        }, clock);
        zap.start();
    }

    private PubSub startPubSub(PubSubConfig config) {
        pubsub = PubSub.start(context, server, config, keys, clock);
        return pubsub;
    }

    private PubSub startPubSub() {
        return startPubSub(PubSubConfig.defaults("tcp://127.0.0.1:*"));
    }

    @AfterEach
    void stop() {
        clients.close();
        if (pubsub != null) {
            pubsub.close();
        }
        zap.close();
        context.close();
    }

    private CurveKeyPair enrol(String name) {
        CurveKeyPair pair = CurveKeyPair.generate();
        keys.put(new ClientRecord(keys.size() + 1, name, pair.publicZ85(), ClientStatus.ACTIVE, Instant.now(), "test",
                null, null, null, null, null, null, null));
        return pair;
    }

    private ZMQ.Socket subscriber(CurveKeyPair keyPair, String... prefixes) {
        ZMQ.Socket s = clients.createSocket(SocketType.SUB);
        s.setLinger(0);
        s.setReceiveTimeOut(10_000);
        s.setHandshakeIvl(2000);
        s.setRcvHWM(100_000);
        s.setCurveServerKey(server.publicKey());
        s.setCurvePublicKey(keyPair.publicKey());
        s.setCurveSecretKey(keyPair.secretKey());
        for (String p : prefixes) {
            s.subscribe(p.getBytes(StandardCharsets.UTF_8));
        }
        s.connect(pubsub.boundEndpoint());
        return s;
    }

    private static List<String> receive(ZMQ.Socket s) {
        List<byte[]> frames = GatewayFixture.receive(s);
        if (frames == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (byte[] f : frames) {
            out.add(new String(f, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes {@code marker} until the subscriber receives something, which proves the subscription is live. */
    private static List<String> publishUntilReceived(PubSub p, ZMQ.Socket s, String topic, String payload) {
        s.setReceiveTimeOut(200);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                p.publish(topic, utf8(payload));
                List<String> got = receive(s);
                if (got != null) {
                    return got;
                }
            }
            return null;
        } finally {
            s.setReceiveTimeOut(10_000);
        }
    }

    @Test
    void aLateSubscriberGetsTheLatestValueOfEachMatchingTopicAtOnce() {
        PubSub p = startPubSub();
        CurveKeyPair late = enrol("late-1");
        p.publish("sensors.t1", utf8("21.5"));
        p.publish("sensors.t1", utf8("22.0"));
        p.publish("alarms.a1", utf8("on"));
        assertThat(GatewayFixture.await(Duration.ofSeconds(10), () -> p.stats().cachedTopics() == 2)).isTrue();

        ZMQ.Socket s = subscriber(late, "sensors.");

        assertThat(receive(s)).containsExactly("sensors.t1", "22.0");
        assertThat(GatewayFixture.await(Duration.ofSeconds(10), () -> p.stats().welcomes() >= 1))
                .as("the welcome is counted").isTrue();
        p.publish("alarms.a1", utf8("off"));
        p.publish("sensors.t2", utf8("5"));
        // Only the subscribed prefix arrives, in publication order.
        assertThat(receive(s)).containsExactly("sensors.t2", "5");
        assertThat(admissions).contains("late-1");
    }

    @Test
    void subscribersFilterByTopicPrefix() {
        PubSub p = startPubSub();
        ZMQ.Socket all = subscriber(enrol("all"), "");
        ZMQ.Socket narrow = subscriber(enrol("narrow"), "room.2");
        assertThat(publishUntilReceived(p, narrow, "room.2.temp", "warm")).containsExactly("room.2.temp", "warm");
        drain(all);
        p.publish("room.1.temp", utf8("cold"));
        p.publish("room.2.temp", utf8("hot"));
        assertThat(receive(all)).containsExactly("room.1.temp", "cold");
        assertThat(receive(all)).containsExactly("room.2.temp", "hot");
        drainUntil(narrow, "hot");
    }

    private static void drain(ZMQ.Socket s) {
        s.setReceiveTimeOut(300);
        while (receive(s) != null) {
            // discard the welcome and warm-up messages
        }
        s.setReceiveTimeOut(10_000);
    }

    private static void drainUntil(ZMQ.Socket s, String payload) {
        List<String> got;
        do {
            got = receive(s);
            assertThat(got).as("waiting for " + payload).isNotNull();
            assertThat(got.get(0)).startsWith("room.2");
        } while (!got.get(1).equals(payload));
    }

    @Test
    void anUnknownKeyIsRefusedByTheSharedZapHandlerAndReceivesNothing() {
        PubSub p = startPubSub();
        p.publish("news", utf8("first"));
        ZMQ.Socket stranger = subscriber(CurveKeyPair.generate(), "");
        ZMQ.Socket member = subscriber(enrol("member"), "");
        assertThat(publishUntilReceived(p, member, "news", "second")).isNotNull();
        assertThat(GatewayFixture.await(Duration.ofSeconds(10), () -> denials.contains("unknown-key"))).isTrue();
        stranger.setReceiveTimeOut(0);
        assertThat(stranger.recv(ZMQ.DONTWAIT)).isNull();
    }

    @Test
    void subscriptionsAreTrackedAndForgottenWhenTheLastSubscriberLeaves() {
        PubSub p = startPubSub();
        CurveKeyPair keyPair = enrol("watcher");
        ZMQ.Socket s = subscriber(keyPair, "plant.");
        assertThat(publishUntilReceived(p, s, "plant.pump", "1")).isNotNull();

        assertThat(GatewayFixture.await(Duration.ofSeconds(10), () -> p.subscriptions().stream()
                .anyMatch(v -> v.prefix().equals("plant.") && v.subscribes() >= 1))).isTrue();
        SubscriptionView view = p.subscriptions().stream().filter(v -> v.prefix().equals("plant.")).findFirst()
                .orElseThrow();
        // JeroMQ 0.6.0's XPUB rebuilds subscription messages without their User-Id metadata, so no name
        // can be attached; when a JeroMQ upgrade carries it, this becomes containsExactly("watcher").
        assertThat(view.clients()).isEmpty();
        assertThat(p.stats().subscribers()).isEqualTo(1);

        s.unsubscribe(utf8("plant."));
        assertThat(GatewayFixture.await(Duration.ofSeconds(15), () -> p.subscriptions().isEmpty())).isTrue();
        s.subscribe(utf8("plant."));
        assertThat(GatewayFixture.await(Duration.ofSeconds(15), () -> !p.subscriptions().isEmpty())).isTrue();
        s.close();
        assertThat(GatewayFixture.await(Duration.ofSeconds(15), () -> p.subscriptions().isEmpty())).isTrue();
        assertThat(GatewayFixture.await(Duration.ofSeconds(15), () -> p.stats().subscribers() == 0)).isTrue();
    }

    @Test
    void aSubscriberThatDoesNotReadMissesMessagesAndTheDropsAreCounted() {
        PubSubConfig small = new PubSubConfig("tcp://127.0.0.1:*", 10, 10_000, 100, 64 * 1024,
                Duration.ofSeconds(5), Duration.ofSeconds(15));
        PubSub p = startPubSub(small);
        ZMQ.Socket sleeper = subscriber(enrol("sleeper"), "");
        sleeper.setRcvHWM(10);
        assertThat(publishUntilReceived(p, sleeper, "bulk", "x")).isNotNull();
        byte[] payload = new byte[16 * 1024];
        Arrays.fill(payload, (byte) 'z');
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (p.stats().hwmDrops() == 0 && System.nanoTime() < deadline) {
            if (!p.publish("bulk", payload)) {
                Thread.onSpinWait();
            }
        }
        assertThat(p.stats().hwmDrops()).isPositive();
        assertThat(p.stats().published()).isGreaterThan(p.stats().hwmDrops());
    }

    @Test
    void publishRefusesBadTopicsAndPayloads() {
        PubSub p = startPubSub();
        assertThatThrownBy(() -> p.publish("", utf8("x"))).hasMessageContaining("topic is empty");
        assertThatThrownBy(() -> p.publish("t".repeat(300), utf8("x"))).hasMessageContaining("longer than 255");
        assertThatThrownBy(() -> p.publish("t", new byte[300 * 1024])).hasMessageContaining("pubsub.max-payload");
        p.close();
        assertThat(p.publish("t", utf8("late"))).isFalse();
        assertThat(p.stats().refused()).isEqualTo(1);
    }

    @Test
    void theConfigurationNamesTheKeyAtFault() {
        assertThatThrownBy(() -> PubSubConfig.defaults("udp://x")).hasMessageContaining("pubsub.endpoint");
        assertThatThrownBy(() -> new PubSubConfig("tcp://*:5557", 0, 1, 1, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(2))).hasMessageContaining("pubsub.send-hwm");
        assertThat(PubSubSettings.ALL).extracting(s -> s.key()).contains("pubsub.endpoint");
        assertThat(PubSubSettings.ENDPOINT.defaultText()).isEqualTo("tcp://*:5557");
    }
}
