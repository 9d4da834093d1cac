package org.edgegateway.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.plugins.testplugins.EchoHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/** Reloading a plugin while clients send: every request gets exactly one answer. */
class ReloadUnderTrafficTest {
    /** A bound on each client's requests, should the reloads never end. */
    private static final int MAX_PER_CLIENT = 200_000;
    /** About 80 requests a second per client: under the default admission rate of 100 (burst 500). */
    private static final long PACE_MILLIS = 12;

    @TempDir
    Path dir;

    @Test
    void reloadsLoseNoReply() throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        PluginSignatures.generate(dir.resolve("k"), dir.resolve("k.pub"), null);
        new TrustedPublishers(home.keys().resolve("publishers")).trust(dir.resolve("k.pub"));
        PluginSignatures.sign(TestPlugins.zip(home.plugins(), "echo", "1.0.0", PluginHostTest.REQUIRES, EchoHandler.class),
                dir.resolve("k"));
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try (PluginHost host = PluginHost.start(PluginHostConfig.defaults(home, null), ClientPush.NONE);
             PluginGateway gw = new PluginGateway(dir, host, 4)) {
            List<ZMQ.Socket> sockets = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                sockets.add(gw.dealer("sensor-" + c));
            }
            // The clients send until the reloads are over (and some traffic after the last one): a fixed
            // number of requests could all be answered before the first reload has finished.
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
            List<Future<List<String>>> results = new ArrayList<>();
            for (ZMQ.Socket s : sockets) {
                results.add(clients.submit(() -> {
                    List<String> outcomes = new ArrayList<>();
                    for (int i = 0; i < MAX_PER_CLIENT && !stop.get(); i++) {
                        List<String> reply = PluginGateway.exchange(s, "ECHO", "m" + i);
                        outcomes.add(reply == null ? "NO REPLY to m" + i : reply.get(0) + " " + reply.get(1));
                        answered.incrementAndGet();
                        Thread.sleep(PACE_MILLIS);
                    }
                    return outcomes;
                }));
            }
            int reloads = 0;
            for (; reloads < 5; reloads++) {
                awaitMoreAnswers(answered, results);
                PluginSignatures.sign(TestPlugins.zip(home.plugins(), "echo", "1.0." + (reloads + 1),
                        PluginHostTest.REQUIRES, EchoHandler.class), dir.resolve("k"));
                assertThat(host.reload("echo").state()).isEqualTo(PluginState.STARTED);
            }
            awaitMoreAnswers(answered, results);
            stop.set(true);
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : results) {
                all.addAll(f.get(120, TimeUnit.SECONDS));
            }
            assertThat(reloads).isEqualTo(5);
            assertThat(all).hasSize(answered.get());
            // Every request is answered: by a version of the plugin, BUSY while it reloads, or (on a
            // machine too loaded to finish a reload within the handler time limit) HANDLER_FAILED.
            assertThat(all).allSatisfy(o -> assertThat(o).matches("ACK v1\\.0\\.\\d+ m\\d+|ERROR BUSY: plugin echo is .*"
                    + "|ERROR HANDLER_FAILED: handler for ECHO timed out after \\d+ ms"));
            assertThat(all.stream().filter(o -> o.startsWith("ERROR HANDLER_FAILED")).count())
                    .as("time-outs, which only a heavily loaded machine should produce").isLessThan(all.size() / 3);
            assertThat(all.stream().filter(o -> o.startsWith("ACK")).map(o -> o.split(" ")[1]).distinct().count())
                    .as("versions that answered while traffic ran").isGreaterThan(1);
        } finally {
            clients.shutdownNow();
        }
    }

    /** Waits until the clients have had 60 more answers (or have all stopped). */
    private static void awaitMoreAnswers(java.util.concurrent.atomic.AtomicInteger answered,
                                         List<Future<List<String>>> results) throws Exception {
        int wanted = answered.get() + 60;
        assertThat(org.edgegateway.core.testing.GatewayFixture.await(java.time.Duration.ofSeconds(30),
                () -> answered.get() >= wanted || results.stream().allMatch(Future::isDone)))
                .as("60 more answers within 30 s").isTrue();
    }
}
