package org.edgegateway.uplink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.config.Settings;
import org.edgegateway.core.testing.BuiltinPlugins;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.ZCertFiles;

/**
 * An edge gateway with an uplink, as its own process, for the tests that kill it:
 * {@code EdgeMain HOME BUNDLE_DIR UPSTREAM_ENDPOINT SENSOR_NAME SENSOR_KEY_Z85}. Writes
 * {@code HOME/ready} (its endpoint and server key, one per line) once it serves, and runs until killed.
 */
public final class EdgeMain {
    private EdgeMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path home = Path.of(args[0]);
        Path bundle = Path.of(args[1]);
        String upstream = args[2];
        String sensorName = args[3];
        String sensorKey = args[4];
        KeyStore store = KeyStore.open(KeyStore.fileUrl(home.resolve("data")));
        if (store.clients().list().stream().noneMatch(c -> c.name().equals(sensorName))) {
            store.clients().enrol(sensorName, sensorKey, "test", "local");
            store.clients().setLimits(sensorName, Edges.UNLIMITED, "test", "local");
        }
        CurveKeyPair serverKeys = ZCertFiles.loadOrGenerate(home.resolve("keys"), "server");
        UplinkConfig config = new UplinkConfig(bundle, upstream, Set.of(), 1_000_000, 64, Duration.ofSeconds(10),
                Duration.ofSeconds(1));
        Uplink uplink = Uplink.open(home.resolve("data").resolve("uplink"), config);
        // A de-duplication window larger than the sensor's requests in flight, so that a sensor's retry
        // is always recognised (the window is what makes the sensor-to-edge hop exactly-once).
        GatewayConfig gatewayConfig = GatewayConfig.from(Settings.of(Map.of("gateway.endpoint", "tcp://127.0.0.1:*",
                "gateway.dedup-window", "4096")));
        Gateway gateway = Gateway.start(gatewayConfig, store, serverKeys,
                uplink.wrap(BuiltinPlugins.start(home.resolve("plugin-host"),
                        // a loaded test machine can stall a call past the 2 s default; this test is not about time-outs
                        org.edgegateway.core.router.LaneLimits.defaults().withTimeout(Duration.ofSeconds(30)))),
                Clock.systemUTC());
        uplink.start();
        Path tmp = home.resolve("ready.tmp");
        Files.writeString(tmp, gateway.boundEndpoint() + "\n" + serverKeys.publicZ85() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, home.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);
        while (true) {
            Thread.sleep(60_000);
        }
    }
}
