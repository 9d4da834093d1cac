package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** {@code claims} and {@code clients pending|approve|reject} on a running gateway (over its control socket) and a stopped one. */
@Timeout(120)
class ClaimsCommandTest {

    private static String field(String claimFile, String name) {
        Matcher m = Pattern.compile("(?m)^    " + Pattern.quote(name) + " = \"([^\"]*)\"$").matcher(claimFile);
        assertThat(m.find()).as(name + " in\n" + claimFile).isTrue();
        return m.group(1);
    }

    @Test
    void anAdminMakesAClaimASensorEnrolsOnItAndTheAdminApprovesIt(@TempDir Path dir) throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        String enrolEndpoint = "tcp://127.0.0.1:" + BundleProcess.freePort();
        TestHome.configure(home,
                "gateway.endpoint=tcp://127.0.0.1:" + BundleProcess.freePort(), "admin.port=0", "pubsub.enabled=false",
                "enrol.enabled=true", "enrol.endpoint=" + enrolEndpoint);
        try (GatewayApp app = GatewayApp.start(home, Map.of()); ZContext context = new ZContext(1)) {
            Path file = dir.resolve("site1.claim");
            String made = Cli.run(home, "claims", "create", "site1-", "--uses", "2", "--expires", "24h", "--approve",
                    "manual", "--out", file.toString());
            assertThat(made).startsWith("exit 0").contains("claim 1: 2 sensors named site1-..., manual approval");
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String claim = Files.readString(file);
            String secret = field(claim, "secret");
            assertThat(secret).startsWith("egc_");
            assertThat(made).doesNotContain(secret);
            assertThat(field(claim, "enrol-endpoint")).isEqualTo(enrolEndpoint);
            assertThat(field(claim, "public-key")).isEqualTo(app.gateway().admin().serverPublicKey());
            assertThat(field(claim, "endpoint")).isEqualTo(app.gateway().clientEndpoint());
            assertThat(Cli.run(home, "claims", "create", "site1-", "--uses", "2", "--expires", "24h", "--out",
                    file.toString())).startsWith("exit 4").contains("already exists");

            CurveKeyPair sensor = CurveKeyPair.generate();
            ZMQ.Socket s = context.createSocket(SocketType.DEALER);
            s.setLinger(0);
            s.setReceiveTimeOut(10_000);
            s.setHandshakeIvl(2000);
            s.setCurveServerKey(Z85.decodeKey(field(claim, "public-key")));
            s.setCurvePublicKey(sensor.publicKey());
            s.setCurveSecretKey(sensor.secretKey());
            s.connect(field(claim, "enrol-endpoint"));
            GatewayFixture.send(s, "ENROL", secret, "site1-a");
            assertThat(GatewayFixture.receiveText(s)).containsExactly("PENDING", "site1-a");

            assertThat(Cli.run(home, "clients", "pending")).startsWith("exit 0").contains("site1-a")
                    .contains(sensor.publicZ85()).contains("127.0.0.1");
            assertThat(Cli.run(home, "claims", "list")).startsWith("exit 0").contains("site1-").contains("1/2")
                    .contains("manual").contains("active");
            assertThat(Cli.run(home, "clients", "approve", "site1-a")).startsWith("exit 0").contains("approved site1-a");
            assertThat(Cli.run(home, "clients", "reject", "site1-a")).startsWith("exit 2").contains("not pending");
            assertThat(Cli.run(home, "claims", "revoke", "1")).startsWith("exit 0").contains("revoked claim 1");
            assertThat(Cli.run(home, "claims", "revoke", "99")).startsWith("exit 3");

            GatewayFixture.send(s, "ENROL", secret, "site1-b");
            List<String> refused = GatewayFixture.receiveText(s);
            assertThat(refused.get(0)).isEqualTo("ERROR");
            assertThat(refused.get(1)).startsWith("CLAIM_REVOKED: ");
            assertThat(Cli.run(home, "claims", "list")).contains("revoked");
        }
    }

    @Test
    void aGatewayWithoutEnrolmentMakesNoClaim(@TempDir Path dir) throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        Path file = dir.resolve("x.claim");
        String out = Cli.run(home, "claims", "create", "x-", "--uses", "1", "--expires", "1h", "--out", file.toString());
        assertThat(out).startsWith("exit 4").contains("enrol.enabled=true");
        assertThat(file).doesNotExist();
        assertThat(Cli.run(home, "claims", "create", "x-", "--uses", "1", "--expires", "1h", "--approve", "maybe",
                "--out", file.toString())).startsWith("exit 2");

        // Enrolment on, the gateway stopped: the claim is made in the key store for its next start.
        Files.writeString(home.configFile(), "enrol.enabled=true\nenrol.public-endpoint=tcp://gw.example:5558\n",
                StandardCharsets.UTF_8);
        String offline = Cli.run(home, "claims", "create", "x-", "--uses", "1", "--expires", "1h", "--out", file.toString());
        assertThat(offline).startsWith("exit 0").contains("takes effect at its next start");
        assertThat(field(Files.readString(file), "enrol-endpoint")).isEqualTo("tcp://gw.example:5558");
        assertThat(Cli.run(home, "claims", "list")).contains("x-").contains("1/1").contains("active");
        assertThat(Cli.run(home, "clients", "pending")).startsWith("exit 0");
    }
}
