package org.edgegateway.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.plugins.PluginGateway.exchange;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.plugins.testplugins.FastHandler;
import org.edgegateway.core.plugins.testplugins.NapHandler;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/**
 * 1 MiB messages to a plugin that holds every call far longer than they arrive, from many libzmq
 * clients at once (Debian's python3-zmq): the lanes fill to their byte bounds and everything past them is answered BUSY at once. This
 * test runs in a JVM of its own with the heap the bundle ships with ({@code -Xmx512m}, see
 * core/pom.xml) and {@code -XX:+ExitOnOutOfMemoryError}, so an OutOfMemoryError ends it as a failure.
 */
class MemoryBoundTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final int CLIENTS = 16;
    private static final int EACH = 40;

    @TempDir
    Path dir;

    @Test
    void oneMebibyteMessagesFloodingABlockedPluginGetBusyNotOutOfMemory() throws Exception {
        assumeTrue(pyzmq(), "Debian's python3-zmq is not installed");
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertThat(maxHeap).as("the shipped -Xmx512m").isLessThanOrEqualTo(512L * 1024 * 1024);
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        TestPlugins.zip(home.plugins(), "nap", "1.0.0", ">=1.2.0", NapHandler.class);
        TestPlugins.zip(home.plugins(), "fast", "1.0.0", ">=1.2.0", FastHandler.class);
        PluginHostConfig config = PluginHostConfig.defaults(home, null).withAllowUnsigned(true)
                .withLimits(Duration.ofSeconds(3), 4, 1000, Duration.ofMillis(250), 1_000_000, 64L << 20);
        try (PluginHost host = PluginHost.start(config, ClientPush.NONE);
             PluginGateway gw = new PluginGateway(dir, host, 4, Duration.ofSeconds(5), AdmissionConfig.of(Map.of(
                     // Flood defence would drop most of this flood first: let it all reach the lanes.
                     "admission.rate.messages-per-second", "1000000", "admission.rate.burst", "1000000",
                     "admission.rate.bytes-per-second", "100GiB")))) {
            Path certs = Files.createDirectories(dir.resolve("certs"));
            ZCertFiles.writePublic(certs.resolve("server.key"), ZCert.ofPublic(gw.serverKeys().publicKey(), Map.of()));
            List<String> cmd = new ArrayList<>(List.of(PYTHON, script().toString(), gw.gateway().boundEndpoint(),
                    certs.resolve("server.key").toString(), "NAP", Integer.toString(1 << 20), Integer.toString(EACH),
                    "240"));
            for (int c = 0; c < CLIENTS; c++) {
                CurveKeyPair keys = CurveKeyPair.generate();
                ZCertFiles.writePair(certs, "big-" + c, keys, Map.of());
                gw.gateway().admin().enrol("big-" + c, keys.publicZ85(), GatewayFixture.TEST_ADMIN);
                cmd.add(certs.resolve("big-" + c + ".key_secret").toString());
            }
            long offered = (long) CLIENTS * EACH << 20;
            assertThat(offered).as("offered: more than the heap").isGreaterThan(maxHeap);
            Process flood = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            ZMQ.Socket small = gw.dealer("small");
            long peak = 0;
            try {
                // The gateway keeps answering another client all along, and its heap stays in bounds.
                while (flood.isAlive()) {
                    assertThat(exchange(small, "FAST", "alive")).containsExactly("ACK", "fast alive");
                    peak = Math.max(peak, heapUsed());
                    Thread.sleep(100);
                }
                assertThat(flood.waitFor(300, TimeUnit.SECONDS)).isTrue();
                String out = new String(flood.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                Map<String, Long> counts = new HashMap<>();
                for (String kv : out.lines().reduce((a, b) -> b).orElse("").split(" ")) {
                    int eq = kv.indexOf('=');
                    assertThat(eq).as(out).isPositive();
                    counts.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
                }
                assertThat(counts.get("answered")).as(out).isEqualTo((long) CLIENTS * EACH);
                assertThat(counts.keySet()).as(out).isSubsetOf("sent", "answered", "BUSY", "HANDLER_FAILED");
                assertThat(counts.get("BUSY")).as("refused past the byte bounds: " + out)
                        .isGreaterThan(CLIENTS * EACH / 2L);
            } finally {
                flood.destroyForcibly();
            }
            assertThat(peak).as("heap in use at its peak").isLessThan(maxHeap);
            assertThat(host.metrics("nap").get("host_busy")).isPositive();
        }
    }

    private Path script() throws java.io.IOException {
        Path script = dir.resolve("bigflood.py");
        try (InputStream in = getClass().getResourceAsStream("/python/bigflood.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    private static boolean pyzmq() throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static long heapUsed() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }
}
