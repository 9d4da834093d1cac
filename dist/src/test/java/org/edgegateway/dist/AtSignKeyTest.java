package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.keys.ClientRecord;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * '@' is a Z85 character, so a public key may start with it, or with "@@": the command line passes
 * such a key on as it is, never as the name of a file of arguments (or picocli's escape for one).
 */
@Timeout(120)
class AtSignKeyTest {

    @Test
    void aKeyStartingWithAtSignsIsEnrolledAsGiven(@TempDir Path dir) throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        TestHome.configure(home,
                "gateway.endpoint=tcp://127.0.0.1:" + BundleProcess.freePort(), "admin.port=0", "pubsub.enabled=false");
        // "@@" and three more characters stay below 2^32: still a valid first group of a 32-byte key.
        String escaped = "@@" + CurveKeyPair.generate().publicZ85().substring(2);
        String single = "@" + CurveKeyPair.generate().publicZ85().substring(1);

        assertThat(Cli.run(home, "clients", "add", "at-at", "--public-key", escaped)).startsWith("exit 0");
        assertThat(Cli.run(home, "clients", "add", "at", "--public-key", single)).startsWith("exit 0");

        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(home.data()))) {
            assertThat(store.clients().findByName("at-at")).get().extracting(ClientRecord::publicKey).isEqualTo(escaped);
            assertThat(store.clients().findByName("at")).get().extracting(ClientRecord::publicKey).isEqualTo(single);
        }
    }
}
