package org.edgegateway.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.plugins.PluginGateway.exchange;
import static org.edgegateway.core.plugins.PluginGateway.receive;
import static org.edgegateway.core.plugins.PluginGateway.send;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.plugins.testplugins.EchoHandler;
import org.edgegateway.core.plugins.testplugins.EdgeHandler;
import org.edgegateway.core.plugins.testplugins.FastHandler;
import org.edgegateway.core.plugins.testplugins.NapHandler;
import org.edgegateway.core.plugins.testplugins.QuickHandler;
import org.edgegateway.core.plugins.testplugins.SlowHandler;
import org.edgegateway.core.plugins.testplugins.SpinHandler;
import org.edgegateway.core.testing.GatewayFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/**
 * The message path with real plugins, a real gateway and real CURVE clients: calls of one type never
 * wait for another type, answers keep the order classic clients need, deadlines feed the breaker, a
 * non-blocking handler that breaks its word is taken off the message thread, and the lanes are
 * bounded in bytes. Latencies are only compared with margins of an order of magnitude.
 */
class HotPathTest {
    @TempDir
    Path dir;
    PluginHost host;
    PluginGateway gw;
    final List<ExecutorService> pools = new ArrayList<>();

    void start(UnaryOperator<PluginHostConfig> tweak, Class<?>... plugins) {
        start(Duration.ofSeconds(5), tweak, plugins);
    }

    void start(Duration handlerTimeout, UnaryOperator<PluginHostConfig> tweak, Class<?>... plugins) {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        for (Class<?> c : plugins) {
            String id = c.getSimpleName().replace("Handler", "").toLowerCase(java.util.Locale.ROOT);
            TestPlugins.zip(home.plugins(), id, "1.0.0", ">=1.2.0", c);
        }
        host = PluginHost.start(tweak.apply(PluginHostConfig.defaults(home, null).withAllowUnsigned(true)),
                ClientPush.NONE);
        gw = new PluginGateway(dir, host, 4, handlerTimeout);
    }

    @AfterEach
    void stop() {
        pools.forEach(ExecutorService::shutdownNow);
        if (gw != null) {
            gw.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aPluginThatTakesAllItsThreadsDelaysNoOtherType() throws Exception {
        start(c -> c, SlowHandler.class, EchoHandler.class, FastHandler.class);
        // Eight clients keep the 200 ms plugin busy: more calls than the old shared worker pool had.
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = pool(8);
        List<Future<Integer>> slowAnswers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ZMQ.Socket s = gw.dealer("slow-" + i);
            slowAnswers.add(load.submit(() -> {
                int n = 0;
                while (running.get()) {
                    assertThat(exchange(s, "SLOW", "x")).containsExactly("ACK", "slow x");
                    n++;
                }
                return n;
            }));
        }
        ZMQ.Socket healthy = gw.dealer("healthy");
        exchange(healthy, "SLOW", "warm");
        long[] fast = new long[60];
        long[] echo = new long[60];
        for (int i = 0; i < 60; i++) {
            long t0 = System.nanoTime();
            assertThat(exchange(healthy, "FAST", "f" + i)).containsExactly("ACK", "fast f" + i);
            long t1 = System.nanoTime();
            assertThat(exchange(healthy, "ECHO", "e" + i)).containsExactly("ACK", "v1.0.0 e" + i);
            fast[i] = t1 - t0;
            echo[i] = System.nanoTime() - t1;
        }
        running.set(false);
        for (Future<Integer> f : slowAnswers) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isPositive();
        }
        // A 200 ms call ahead in a shared queue would put the medians near 100-200 ms.
        assertThat(median(fast)).as("median FAST round trip, ns").isLessThan(TimeUnit.MILLISECONDS.toNanos(40));
        assertThat(median(echo)).as("median ECHO round trip, ns").isLessThan(TimeUnit.MILLISECONDS.toNanos(40));
    }

    @Test
    void aHungTypeDoesNotHoldTheSameClientsOtherTypes() {
        start(c -> c.withLimits(Duration.ofMillis(800), 4, 4, Duration.ofMillis(250), 100, 64L << 20),
                NapHandler.class, FastHandler.class, EchoHandler.class);
        ZMQ.Socket s = gw.dealer("both");
        send(s, "EGW/1", "nap", "NAP", "z");
        send(s, "EGW/1", "fast", "FAST", "a");
        send(s, "EGW/1", "echo", "ECHO", "b");
        List<List<String>> replies = List.of(receive(s), receive(s), receive(s));
        assertThat(replies).extracting(r -> r.get(1)).as("correlation ids in answer order")
                .containsExactlyInAnyOrder("nap", "fast", "echo");
        assertThat(replies.get(2)).as("the hung call is answered last, at its deadline")
                .containsExactly("EGW/1", "nap", "ERROR", "HANDLER_FAILED: handler for NAP timed out after 800 ms");
    }

    @Test
    void classicAnswersKeepTheOrderOfTheirRequestsAcrossTypes() {
        start(c -> c, SlowHandler.class, FastHandler.class);
        ZMQ.Socket s = gw.dealer("classic");
        send(s, "SLOW", "1");
        send(s, "FAST", "2");
        send(s, "NOPE", "3");
        send(s, "FAST", "4");
        assertThat(receive(s)).containsExactly("ACK", "slow 1");
        assertThat(receive(s)).containsExactly("ACK", "fast 2");
        assertThat(receive(s)).containsExactly("ERROR", "UNKNOWN_TYPE: no handler for type NOPE");
        assertThat(receive(s)).containsExactly("ACK", "fast 4");
    }

    @Test
    void timeOutsCountForTheBreaker() {
        // handlers.timeout as plugins.timeout, as by default.
        start(Duration.ofMillis(300), c -> c.withLimits(Duration.ofMillis(300), 4, 4, Duration.ofMillis(250), 3,
                64L << 20), NapHandler.class, FastHandler.class);
        ZMQ.Socket s = gw.dealer("napper");
        for (int i = 0; i < 3; i++) {
            assertThat(exchange(s, "NAP", "z")).containsExactly("ERROR",
                    "HANDLER_FAILED: handler for NAP timed out after 300 ms");
        }
        assertThat(GatewayFixture.await(Duration.ofSeconds(10),
                () -> host.plugin("nap").orElseThrow().state() == PluginState.FAILED)).isTrue();
        assertThat(host.plugin("nap").orElseThrow().reason())
                .isEqualTo("circuit breaker opened after 3 consecutive failures, the last: timed out after 300 ms");
        assertThat(host.metrics("nap")).containsEntry("host_timeouts", 3L);
        assertThat(exchange(s, "FAST", "ok")).containsExactly("ACK", "fast ok");
    }

    @Test
    void aNonBlockingHandlerThatStallsIsTakenOffTheMessageThread() {
        start(c -> c.withInlineBudget(Duration.ofMillis(50)), QuickHandler.class, FastHandler.class);
        assertThat(host.route("QUICK").nonBlocking()).isTrue();
        ZMQ.Socket staller = gw.dealer("staller");
        ZMQ.Socket other = gw.dealer("other");
        assertThat(exchange(other, "QUICK", "warm")).containsExactly("ACK", "quick warm");
        send(staller, "QUICK", "stall");
        // While the stalled call sleeps 600 ms, another client is served: a new router thread took over.
        for (int i = 0; i < 20; i++) {
            assertThat(exchange(other, "FAST", "n" + i)).containsExactly("ACK", "fast n" + i);
        }
        List<String> stalled = receive(staller);
        assertThat(stalled).isNotNull();
        assertThat(stalled.get(0)).isEqualTo("ACK");
        assertThat(stalled.get(1)).startsWith("stalled egw-router");
        assertThat(host.route("QUICK").lane().demoted()).as("QUICK lost the right to run inline").isTrue();
        assertThat(host.route("FAST").lane().demoted()).isFalse();
        // From now on QUICK runs on its lane: the answer names a lane thread.
        assertThat(exchange(staller, "QUICK", "stall").get(1)).startsWith("stalled egw-lane-quick-");
        assertThat(exchange(other, "QUICK", "again")).containsExactly("ACK", "quick again");
        assertThat(host.metrics("quick")).containsEntry("host_inline_calls", 1L);
    }

    @Test
    void aNonBlockingHandlerThatNeverReturnsIsAnsweredAtItsDeadlineAndStopped() {
        start(c -> c.withLimits(Duration.ofMillis(500), 4, 1, Duration.ofMillis(250), 5, 64L << 20)
                .withInlineBudget(Duration.ofMillis(50)), SpinHandler.class, FastHandler.class);
        ZMQ.Socket spinner = gw.dealer("spinner");
        ZMQ.Socket other = gw.dealer("other");
        send(spinner, "SPIN", "x");
        for (int i = 0; i < 10; i++) {
            assertThat(exchange(other, "FAST", "n" + i)).containsExactly("ACK", "fast n" + i);
        }
        assertThat(receive(spinner)).containsExactly("ERROR", "HANDLER_FAILED: handler for SPIN timed out after 500 ms");
        assertThat(GatewayFixture.await(Duration.ofSeconds(10),
                () -> host.plugin("spin").orElseThrow().state() == PluginState.FAILED)).isTrue();
        assertThat(exchange(other, "FAST", "after")).containsExactly("ACK", "fast after");
    }

    @Test
    void lanesAreBoundedInBytesAndRefuseWithBusy() {
        start(c -> c.withLimits(Duration.ofSeconds(10), 1, 2, Duration.ofMillis(250), 5, 64L << 20)
                .withQueueBytes(3L << 20), NapHandler.class, FastHandler.class);
        byte[] mib = new byte[1 << 20];
        Arrays.fill(mib, (byte) 'x');
        List<ZMQ.Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ZMQ.Socket s = gw.dealer("big-" + i);
            sockets.add(s);
            send(s, "NAP", mib);
            // One at a time, so that arrival order is send order.
            long arrived = i + 1;
            assertThat(GatewayFixture.await(Duration.ofSeconds(10),
                    () -> gw.gateway().metrics().messagesIn() >= arrived)).isTrue();
        }
        int busy = 0;
        for (int i = 3; i < 8; i++) {
            List<String> reply = receive(sockets.get(i));
            assertThat(reply).isNotNull();
            assertThat(reply.get(1)).startsWith("BUSY: plugin nap has ");
            busy++;
        }
        assertThat(busy).isEqualTo(5);
        ZMQ.Socket other = gw.dealer("small");
        assertThat(exchange(other, "FAST", "still")).containsExactly("ACK", "fast still");
    }

    @Test
    void anInterruptAtTheDeadlineNeverOutlivesItsCall() {
        start(c -> c.withLimits(Duration.ofMillis(20), 2, 1000, Duration.ofMillis(250), 1_000_000, 64L << 20),
                EdgeHandler.class, FastHandler.class);
        ZMQ.Socket s = gw.dealer("edgy");
        int late = 0;
        for (int i = 0; i < 150; i++) {
            // Around the 20 ms deadline: the handler's return races the router's interrupt.
            List<String> reply = exchange(s, "EDGE", Integer.toString(19_000 + (i % 20) * 100));
            assertThat(reply).isNotNull();
            if (reply.get(0).equals("ERROR") && reply.get(1).startsWith("BUSY: ")) {
                // On a loaded machine a lane thread may not even start the call within 20 ms: no race then.
                assertThat(reply.get(1)).isEqualTo("BUSY: plugin edge did not get to the message within 20 ms, retry later");
            } else if (reply.get(0).equals("ERROR")) {
                assertThat(reply.get(1)).isEqualTo("HANDLER_FAILED: handler for EDGE timed out after 20 ms");
                late++;
            } else {
                assertThat(reply).as("a lane thread starts each call with no interrupt pending")
                        .containsExactly("ACK", "edge false");
            }
        }
        assertThat(late).as("some calls lost the race").isPositive();
        // The message path is as prompt as before the races: answers are not waiting for a poll time-out.
        long[] rtt = new long[100];
        for (int i = 0; i < rtt.length; i++) {
            long t0 = System.nanoTime();
            assertThat(exchange(s, "FAST", "n" + i)).containsExactly("ACK", "fast n" + i);
            rtt[i] = System.nanoTime() - t0;
        }
        assertThat(median(rtt)).isLessThan(TimeUnit.MILLISECONDS.toNanos(30));
    }

    private ExecutorService pool(int n) {
        ExecutorService p = Executors.newFixedThreadPool(n);
        pools.add(p);
        return p;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
