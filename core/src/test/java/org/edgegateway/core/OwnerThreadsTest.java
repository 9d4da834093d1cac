package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.testing.GatewayFixture.await;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.edgegateway.core.health.Health;
import org.edgegateway.core.testing.CrashHandler;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/**
 * The gateway's owner threads on a real gateway: a thread that dies is reported (and the process
 * owner then ends the process), a dead ZAP handler takes the binds with it, and neither a watchdog
 * hand-over nor a graceful stop counts as a death.
 */
@Timeout(120)
class OwnerThreadsTest {

    /** NAP: a handler declared non-blocking that overruns its inline budget, so the watchdog takes over. */
    static final class NapHandler implements MessageHandler {
        @Override
        public Set<String> types() {
            return Set.of("NAP");
        }

        @Override
        public boolean nonBlocking() {
            return true;
        }

        @Override
        public HandlerResult handle(HandlerMessage message) throws InterruptedException {
            Thread.sleep(500);
            return HandlerResult.ack("rested");
        }
    }

    private static boolean refusesTcp(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(endpoint.substring(colon + 1))), 1000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void aRouterThreadThatDiesIsADeathAndItsPortCloses(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, new CrashHandler())) {
            Health health = gw.gateway().health();
            List<Health.Death> deaths = new CopyOnWriteArrayList<>();
            health.onDeath(deaths::add);
            assertThat(health.view().live()).isTrue();
            assertThat(health.view().checks()).containsEntry(Health.ROUTER, "up");

            ZMQ.Socket s = gw.dealer(gw.enrol("crasher"));
            s.setReceiveTimeOut(3000);
            send(s, "CRASH", "now");
            assertThat(receiveText(s)).as("the router died before it could answer").isNull();

            assertThat(await(Duration.ofSeconds(20), () -> !deaths.isEmpty())).isTrue();
            assertThat(deaths).singleElement().satisfies(d -> {
                assertThat(d.part()).isEqualTo(Health.ROUTER);
                assertThat(d.thread()).isEqualTo("egw-router");
                assertThat(d.cause()).isInstanceOf(AssertionError.class);
            });
            Health.View view = health.view();
            assertThat(view.live()).isFalse();
            assertThat(view.ready()).isFalse();
            assertThat(view.checks()).containsEntry(Health.ROUTER, "down");
            assertThat(await(Duration.ofSeconds(20), () -> refusesTcp(gw.endpoint()))).isTrue();
        }
    }

    @Test
    void aDeadZapHandlerClosesTheRouterAndThePublisherAtOnce(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.withPubSub(dir, FloodDefenceTest.admission())) {
            String pubsub = gw.gateway().pubsub().boundEndpoint();
            ZMQ.Socket s = gw.dealer(gw.enrol("sensor"));
            send(s, "PING");
            assertThat(receiveText(s)).containsExactly("PONG", "");
            assertThat(refusesTcp(gw.endpoint())).isFalse();
            assertThat(refusesTcp(pubsub)).isFalse();

            // What the ZAP thread reports on its way out when it cannot go on.
            gw.gateway().health().died(Health.ZAP, new IllegalStateException("zap: the handler's socket kept failing"));

            assertThat(await(Duration.ofSeconds(20), () -> refusesTcp(gw.endpoint()))).as("ROUTER closed").isTrue();
            assertThat(await(Duration.ofSeconds(20), () -> refusesTcp(pubsub))).as("XPUB closed").isTrue();
            s.setReceiveTimeOut(2000);
            send(s, "PING");
            assertThat(receiveText(s)).isNull();
            assertThat(gw.gateway().health().view().live()).isFalse();
            assertThat(gw.gateway().health().death()).get().extracting(Health.Death::part).isEqualTo(Health.ZAP);
        }
    }

    @Test
    void aWatchdogHandOverAndAGracefulStopAreNotDeaths(@TempDir Path dir) {
        List<Health.Death> deaths = new CopyOnWriteArrayList<>();
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, new NapHandler())) {
            gw.gateway().health().onDeath(deaths::add);
            ZMQ.Socket s = gw.dealer(gw.enrol("sleeper"));
            for (int i = 0; i < 3; i++) {
                send(s, "NAP", "zzz");
                assertThat(receiveText(s)).containsExactly("ACK", "rested");
            }
            send(s, "PING");
            assertThat(receiveText(s)).containsExactly("PONG", "");
            assertThat(gw.gateway().health().view().live()).isTrue();
            assertThat(gw.gateway().health().view().checks()).containsEntry(Health.ROUTER, "up");
        }
        assertThat(deaths).isEmpty();
    }
}
