package org.edgegateway.uplink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgegateway.client.ClientBundle;
import org.edgegateway.client.GatewayClient;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;

/** Helpers shared by the uplink tests: bundles and sensor clients. */
final class Edges {
    static final Actor ADMIN = new Actor("test-admin", "local");
    /** Rate limits no test reaches: the default 100 messages/s would throttle 10,000 messages. */
    static final ClientLimits UNLIMITED = new ClientLimits(1_000_000.0, 1_000_000, 1L << 40);

    private Edges() {
    }

    /**
     * Enrols {@code name} at a gateway and writes its bundle to {@code dir}, as
     * {@code clients add NAME --generate --out DIR} does.
     */
    static Path bundle(AdminService gateway, String name, String endpoint, Path dir) {
        CurveKeyPair pair = CurveKeyPair.generate();
        try {
            ZCertFiles.writePair(dir, name, pair, Map.of("name", name));
            ZCertFiles.writePublic(dir.resolve("server.key"),
                    ZCert.ofPublic(Z85.decodeKey(gateway.serverPublicKey()), Map.of("endpoint", endpoint)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        gateway.enrol(name, pair.publicZ85(), ADMIN);
        gateway.setLimits(name, UNLIMITED, ADMIN);
        return dir;
    }

    /** A sensor client of a gateway with this server key. */
    static GatewayClient sensor(String name, CurveKeyPair keys, byte[] serverKey, String endpoint) {
        return GatewayClient.builder()
                .bundle(new ClientBundle(name, keys.publicKey(), keys.secretKey(), serverKey, endpoint))
                .requestTimeout(Duration.ofSeconds(30))
                .maxInFlight(500)
                .build();
    }
}
