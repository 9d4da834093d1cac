package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgegateway.core.testing.GatewayFixture.await;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.config.ConfigException;
import org.edgegateway.core.config.Settings;
import org.edgegateway.core.testing.GatewayFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/**
 * {@code gateway.io-threads}: the transport's connections spread over more than one I/O thread, and
 * the connection table, fed by the socket events of both, stays right.
 */
class IoThreadsTest {

    /**
     * JeroMQ names a context's I/O threads {@code iothread-N} from 2 (slots 0 and 1 are the context's
     * and the reaper's), so a third I/O slot shows as {@code iothread-3}: the fixture's clients and the
     * start-up probe use one I/O thread each (iothread-2).
     */
    private static List<Thread> threadsNamed(String name) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name) && t.isAlive()) {
                found.add(t);
            }
        }
        return found;
    }

    @Test
    void twoIoThreadsShareTheHandshakesAndEveryClientIsAnsweredAndLeavesTheTable(@TempDir Path dir) throws Exception {
        assertThat(threadsNamed("iothread-3")).as("no other context of this JVM has a second I/O thread").isEmpty();
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c.withIoThreads(2))) {
            List<Thread> second = threadsNamed("iothread-3");
            assertThat(second).as("the gateway's second I/O thread").hasSize(1);
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long before = mx.getThreadCpuTime(second.get(0).getId());

            List<ZMQ.Socket> clients = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                ZMQ.Socket s = gw.dealer(gw.enrol("sensor-" + i));
                send(s, "STRING", "hello" + (char) ('a' + i));
                clients.add(s);
            }
            for (ZMQ.Socket s : clients) {
                assertThat(receiveText(s)).containsExactly("ACK", "STRING received (6 bytes)");
            }
            assertThat(await(Duration.ofSeconds(30), () -> gw.gateway().router().connections().size() == 16))
                    .as("all 16 in the connection table").isTrue();
            assertThat(mx.getThreadCpuTime(second.get(0).getId()) - before)
                    .as("the second I/O thread did some of the handshakes").isPositive();

            for (ZMQ.Socket s : clients) {
                gw.disconnect(s);
            }
            assertThat(await(Duration.ofSeconds(30), () -> gw.gateway().router().connections().isEmpty()))
                    .as("every connection's end reached the table, whichever I/O thread reported it").isTrue();
        }
    }

    @Test
    void theSettingIsCheckedAtTheBoundary() {
        assertThat(GatewayConfig.from(Settings.of(Map.of())).ioThreads()).isEqualTo(1);
        assertThat(GatewayConfig.from(Settings.of(Map.of("gateway.io-threads", "2"))).ioThreads()).isEqualTo(2);
        assertThatThrownBy(() -> GatewayConfig.from(Settings.of(Map.of("gateway.io-threads", "0"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.io-threads");
        assertThatThrownBy(() -> GatewayConfig.from(Settings.of(Map.of("gateway.io-threads", "many"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.io-threads");
    }
}
