package org.edgegateway.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.plugins.PluginGateway.exchange;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.plugins.testplugins.EchoHandler;
import org.edgegateway.core.plugins.testplugins.HungryHandler;
import org.edgegateway.core.plugins.testplugins.SleepingHandler;
import org.edgegateway.core.plugins.testplugins.ThrowingHandler;
import org.edgegateway.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/** Plugins that throw, never return or allocate without end, next to a healthy one, behind a real gateway. */
class BadPluginsGatewayTest {
    @TempDir
    Path dir;
    PluginHost host;
    PluginGateway gw;

    @BeforeEach
    void start() {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        for (Class<?> c : List.of(EchoHandler.class, ThrowingHandler.class, SleepingHandler.class, HungryHandler.class)) {
            TestPlugins.zip(home.plugins(), c.getSimpleName().toLowerCase(java.util.Locale.ROOT), "1.0.0",
                    PluginHostTest.REQUIRES, c);
        }
        PluginHostConfig config = PluginHostConfig.defaults(home, null).withAllowUnsigned(true)
                .withLimits(Duration.ofMillis(500), 8, 2, Duration.ofMillis(100), 3, 64L * 1024 * 1024);
        host = PluginHost.start(config, ClientPush.NONE);
        gw = new PluginGateway(dir, host, 4);
    }

    @AfterEach
    void stop() {
        gw.close();
        host.close();
    }

    @Test
    void aThrowingPluginGetsHandlerFailedWithoutItsTextAndItsBreakerStopsIt() {
        ZMQ.Socket s = gw.dealer("sensor-1");
        for (int i = 0; i < 3; i++) {
            assertThat(exchange(s, "THROW", "x")).containsExactly("ERROR", "HANDLER_FAILED: handler for THROW failed");
        }
        assertThat(GatewayFixture.await(Duration.ofSeconds(10),
                () -> host.plugin("throwinghandler").orElseThrow().state() == PluginState.FAILED)).isTrue();
        assertThat(host.plugin("throwinghandler").orElseThrow().reason())
                .startsWith("circuit breaker opened after 3 consecutive failures");
        assertThat(exchange(s, "THROW", "x")).containsExactly("ERROR", "UNKNOWN_TYPE: no handler for type THROW");
        assertThat(exchange(s, "ECHO", "still here")).containsExactly("ACK", "v1.0.0 still here");
    }

    @Test
    void aPluginThatNeverReturnsTimesOutIsBoundedAndLeavesOtherTypesServed() {
        ZMQ.Socket sleeper = gw.dealer("sleeper");
        ZMQ.Socket healthy = gw.dealer("healthy");
        for (int i = 0; i < 6; i++) {
            PluginGateway.send(sleeper, "SLEEP", "zz");
        }
        for (int i = 0; i < 20; i++) {
            assertThat(exchange(healthy, "ECHO", "n" + i)).containsExactly("ACK", "v1.0.0 n" + i);
        }
        List<String> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<String> reply = PluginGateway.receive(sleeper);
            assertThat(reply).isNotNull();
            answers.add(reply.get(1));
        }
        assertThat(answers).allSatisfy(a -> assertThat(a).matches(
                "HANDLER_FAILED: handler for SLEEP timed out after 500 ms|BUSY: plugin sleepinghandler is .*"));
        assertThat(answers).contains("HANDLER_FAILED: handler for SLEEP timed out after 500 ms");
        assertThat(GatewayFixture.await(Duration.ofSeconds(20),
                () -> host.plugin("sleepinghandler").orElseThrow().state() == PluginState.FAILED)).isTrue();
        assertThat(exchange(healthy, "ECHO", "after")).containsExactly("ACK", "v1.0.0 after");
        assertThat(exchange(sleeper, "SLEEP", "again")).containsExactly("ERROR", "UNKNOWN_TYPE: no handler for type SLEEP");
        assertThat(GatewayFixture.await(Duration.ofSeconds(20), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("egw-plugin-sleepinghandler-")))).isTrue();
    }

    @Test
    void aPluginThatAllocatesWithoutEndIsFailedAndStopped() {
        ZMQ.Socket s = gw.dealer("sensor-2");
        List<String> reply = exchange(s, "HUNGRY", "feed me");
        assertThat(reply).isNotNull();
        assertThat(reply.get(0)).isEqualTo("ERROR");
        assertThat(reply.get(1)).startsWith("HANDLER_FAILED: handler for HUNGRY");
        assertThat(GatewayFixture.await(Duration.ofSeconds(20),
                () -> host.plugin("hungryhandler").orElseThrow().state() == PluginState.FAILED)).isTrue();
        assertThat(host.plugin("hungryhandler").orElseThrow().reason())
                .isEqualTo("a call allocated more than 67108864 bytes");
        assertThat(GatewayFixture.await(Duration.ofSeconds(20), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("egw-plugin-hungryhandler-")))).isTrue();
        assertThat(exchange(s, "ECHO", "fine")).containsExactly("ACK", "v1.0.0 fine");
    }
}
