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
            int perClient = 300;
            List<ZMQ.Socket> sockets = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                sockets.add(gw.dealer("sensor-" + c));
            }
            java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
            List<Future<List<String>>> results = new ArrayList<>();
            for (ZMQ.Socket s : sockets) {
                results.add(clients.submit(() -> {
                    List<String> outcomes = new ArrayList<>();
                    for (int i = 0; i < perClient; i++) {
                        List<String> reply = PluginGateway.exchange(s, "ECHO", "m" + i);
                        outcomes.add(reply == null ? "NO REPLY to m" + i : reply.get(0) + " " + reply.get(1));
                        answered.incrementAndGet();
                    }
                    return outcomes;
                }));
            }
            int reloads = 0;
            while (!results.stream().allMatch(Future::isDone) && reloads < 10) {
                int wanted = 60 * (reloads + 1);
                org.edgegateway.core.testing.GatewayFixture.await(java.time.Duration.ofSeconds(30),
                        () -> answered.get() >= wanted);
                PluginSignatures.sign(TestPlugins.zip(home.plugins(), "echo", "1.0." + (reloads + 1),
                        PluginHostTest.REQUIRES, EchoHandler.class), dir.resolve("k"));
                assertThat(host.reload("echo").state()).isEqualTo(PluginState.STARTED);
                reloads++;
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : results) {
                all.addAll(f.get(120, TimeUnit.SECONDS));
            }
            assertThat(reloads).isPositive();
            assertThat(all).hasSize(3 * perClient);
            // Every request is answered: by a version of the plugin, BUSY while it reloads, or (on a
            // machine too loaded to finish a reload within the handler time limit) HANDLER_FAILED.
            assertThat(all).allSatisfy(o -> assertThat(o).matches("ACK v1\\.0\\.\\d+ m\\d+|ERROR BUSY: plugin echo is .*"
                    + "|ERROR HANDLER_FAILED: handler for ECHO timed out after \\d+ ms"));
            assertThat(all.stream().filter(o -> o.startsWith("ERROR HANDLER_FAILED")).count())
                    .as("time-outs, which only a heavily loaded machine should produce").isLessThan(perClient);
            assertThat(all.stream().filter(o -> o.startsWith("ACK")).map(o -> o.split(" ")[1]).distinct().count())
                    .as("versions that answered while traffic ran").isGreaterThan(1);
        } finally {
            clients.shutdownNow();
        }
    }
}
