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
        // Three sensors, two SLEEP messages each: each sensor's first call hangs (its second waits
        // behind it, as calls of one client on one plugin run in order), so three calls get stuck.
        List<ZMQ.Socket> sleepers = new java.util.ArrayList<>();
        for (int k = 0; k < 3; k++) {
            ZMQ.Socket sleeper = gw.dealer("sleeper-" + k);
            sleepers.add(sleeper);
            PluginGateway.send(sleeper, "SLEEP", "zz");
            PluginGateway.send(sleeper, "SLEEP", "zz");
        }
        ZMQ.Socket healthy = gw.dealer("healthy");
        for (int i = 0; i < 20; i++) {
            assertThat(exchange(healthy, "ECHO", "n" + i)).containsExactly("ACK", "v1.0.0 n" + i);
        }
        List<String> answers = new java.util.ArrayList<>();
        for (ZMQ.Socket sleeper : sleepers) {
            for (int i = 0; i < 2; i++) {
                List<String> reply = PluginGateway.receive(sleeper);
                assertThat(reply).isNotNull();
                answers.add(reply.get(1));
            }
        }
        // The call that ran timed out; the one behind it never started and is refused as BUSY (not
        // reached in time, or the plugin was stopped by then).
        for (int i = 0; i < answers.size(); i += 2) {
            assertThat(answers.get(i)).isEqualTo("HANDLER_FAILED: handler for SLEEP timed out after 500 ms");
            assertThat(answers.get(i + 1)).matches("BUSY: plugin sleepinghandler (did not get to the message within 500 ms"
                    + "|is not serving now), retry later");
        }
        assertThat(GatewayFixture.await(Duration.ofSeconds(20),
                () -> host.plugin("sleepinghandler").orElseThrow().state() == PluginState.FAILED)).isTrue();
        assertThat(host.plugin("sleepinghandler").orElseThrow().reason()).satisfiesAnyOf(
                r -> assertThat(r).contains("calls still running past the time limit of 500 ms"),
                r -> assertThat(r).startsWith("circuit breaker opened after 3 consecutive failures, the last: timed out"));
        assertThat(exchange(healthy, "ECHO", "after")).containsExactly("ACK", "v1.0.0 after");
        assertThat(exchange(sleepers.get(0), "SLEEP", "again"))
                .containsExactly("ERROR", "UNKNOWN_TYPE: no handler for type SLEEP");
        assertThat(GatewayFixture.await(Duration.ofSeconds(20), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("egw-lane-sleepinghandler-")))).isTrue();
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
                .startsWith("its running calls allocated ").endsWith("more than 67108864 (plugins.max-call-allocation)");
        assertThat(GatewayFixture.await(Duration.ofSeconds(20), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("egw-lane-hungryhandler-")))).isTrue();
        assertThat(exchange(s, "ECHO", "fine")).containsExactly("ACK", "v1.0.0 fine");
    }
}
