package org.edgegateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.edgegateway.client.cli.ClientMain;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.ClaimFile;
import org.edgegateway.core.admin.NewClaim;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.enrol.EnrolConfig;
import org.edgegateway.core.plugins.PluginHost;
import org.edgegateway.core.testing.BuiltinPlugins;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.protocol.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sensor enrols itself on a claim against the real gateway: with {@code edge-gateway-client enrol}
 * and with the pyzmq example of docs/examples, then talks with the bundle it wrote. The gateway's home
 * is {@code tmp/gw}; the sensor's files are elsewhere, and the gateway's never hold its secret key.
 */
@Timeout(180)
class EnrolTest {
    private static final Actor ADMIN = new Actor("client-test", "local");
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path tmp;

    private KeyStore store;
    private PluginHost builtins;
    private Gateway gateway;

    @BeforeEach
    void start() {
        store = KeyStore.open(KeyStore.fileUrl(tmp.resolve("gw").resolve("data")));
        GatewayConfig config = GatewayConfig.defaults("tcp://127.0.0.1:*");
        builtins = BuiltinPlugins.start(tmp.resolve("gw").resolve("plugins"), config.laneLimits());
        gateway = Gateway.start(config, AdmissionConfig.defaults(), null, null,
                new EnrolConfig("tcp://127.0.0.1:*", "", 600, 100, 1000), null, store, CurveKeyPair.generate(),
                builtins, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        gateway.close();
        builtins.close();
        store.close();
    }

    private Path claimFile(String prefix, boolean manual) throws IOException {
        NewClaim c = gateway.admin().createClaim(prefix, 5, Duration.ofHours(1), manual, ADMIN);
        // The enrolment endpoint as bound (the advertised one names this host, which may not resolve here).
        NewClaim local = new NewClaim(c.claim(), c.secret(), c.serverPublicKey(),
                gateway.enrolBoundEndpoint().replace("0.0.0.0", "127.0.0.1"), gateway.boundEndpoint());
        Path file = tmp.resolve(prefix + "claim");
        Files.writeString(file, ClaimFile.format(local));
        return file;
    }

    private static String client(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            code = ClientMain.execute(out, out, args);
        }
        return "exit " + code + "\n" + buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theClientMakesItsKeyEnrolsAndIsAnsweredWithTheBundleItWrote() throws Exception {
        Path claim = claimFile("site1-", false);
        Path bundle = tmp.resolve("sensor");
        String out = client("enrol", "--claim", claim.toString(), "--name", "site1-a", "--out", bundle.toString());
        assertThat(out).startsWith("exit 0").contains("enrolled site1-a");

        Path secret = bundle.resolve("site1-a.key_secret");
        assertThat(Files.getPosixFilePermissions(secret)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        ClientBundle loaded = ClientBundle.load(bundle);
        assertThat(loaded.name()).isEqualTo("site1-a");
        assertThat(loaded.endpoint()).contains(gateway.boundEndpoint());
        assertThat(gateway.admin().client("site1-a").orElseThrow().publicKey())
                .isEqualTo(org.zeromq.ZMQ.Curve.z85Encode(loaded.publicKey()));
        try (GatewayClient c = GatewayClient.builder().bundle(bundle).requestTimeout(Duration.ofSeconds(20)).build()) {
            Reply r = c.send("STRING", "hello".getBytes(StandardCharsets.UTF_8));
            assertThat(r.isAck()).isTrue();
        }
        assertThat(client("ping", "--bundle", bundle.toString())).startsWith("exit 0");
        assertNoSecretUnder(tmp.resolve("gw"), Files.readString(secret));
    }

    @Test
    void aPendingSensorIsRefusedUntilApprovedAndARefusalLeavesNoBundle() throws Exception {
        Path claim = claimFile("lab-", true);
        Path bundle = tmp.resolve("sensor");
        assertThat(client("enrol", "--claim", claim.toString(), "--name", "lab-1", "--out", bundle.toString()))
                .startsWith("exit 0").contains("pending approval: lab-1");
        assertThat(gateway.admin().client("lab-1").orElseThrow().status()).isEqualTo(ClientStatus.PENDING);
        assertThat(client("ping", "--bundle", bundle.toString(), "--timeout", "3")).startsWith("exit 3");
        gateway.admin().approve("lab-1", ADMIN);
        assertThat(client("ping", "--bundle", bundle.toString())).startsWith("exit 0");

        Path other = tmp.resolve("other");
        assertThat(client("enrol", "--claim", claim.toString(), "--name", "lab-1", "--out", other.toString()))
                .startsWith("exit 1").contains("NAME_TAKEN");
        try (Stream<Path> left = Files.list(other)) {
            assertThat(left).isEmpty();
        }
        assertThat(client("enrol", "--claim", claim.toString(), "--name", "elsewhere-1", "--out", other.toString()))
                .startsWith("exit 2").contains("prefix 'lab-'");
    }

    static boolean pyzmqAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> runExample(Path claim, String name, Path out, int expectedExit) throws Exception {
        Path script = Path.of("..", "docs", "examples", "enrol_sensor.py").toAbsolutePath().normalize();
        assertThat(script).exists();
        Process p = new ProcessBuilder(PYTHON, script.toString(), claim.toString(), name, out.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the example finished").isTrue();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isEqualTo(expectedExit);
        return text.lines().toList();
    }

    @Test
    void thePyzmqExampleEnrolsAndIsAnswered() throws Exception {
        assumeTrue(pyzmqAvailable(), "Debian's python3-zmq is not installed");
        Path claim = claimFile("py-", false);
        Path bundle = tmp.resolve("py-sensor");
        List<String> lines = runExample(claim, "py-1", bundle, 0);
        assertThat(lines).containsExactly("ENROLLED | py-1", "ACK | STRING received (15 bytes)");
        assertThat(Files.getPosixFilePermissions(bundle.resolve("py-1.key_secret")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        // The Java SDK loads what pyzmq wrote.
        try (GatewayClient c = GatewayClient.builder().bundle(bundle).requestTimeout(Duration.ofSeconds(20)).build()) {
            assertThat(c.send("STRING", "x".getBytes(StandardCharsets.UTF_8)).isAck()).isTrue();
        }
        assertNoSecretUnder(tmp.resolve("gw"), Files.readString(bundle.resolve("py-1.key_secret")));

        List<String> taken = runExample(claim, "py-1", tmp.resolve("py-again"), 1);
        assertThat(taken).hasSize(1);
        assertThat(taken.get(0)).startsWith("ERROR | NAME_TAKEN: ");

        Path manual = claimFile("pm-", true);
        assertThat(runExample(manual, "pm-1", tmp.resolve("pm"), 0)).containsExactly("PENDING | pm-1");
        assertThat(gateway.admin().pendingClients()).extracting(p -> p.name()).containsExactly("pm-1");
    }

    /** No file of the gateway's holds the sensor's secret key, as Z85 or as raw bytes. */
    private static void assertNoSecretUnder(Path home, String secretCertificate) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("secret-key = \"([^\"]{40})\"").matcher(secretCertificate);
        assertThat(m.find()).isTrue();
        String z85 = m.group(1);
        String raw = new String(org.zeromq.ZMQ.Curve.z85Decode(z85), StandardCharsets.ISO_8859_1);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(home)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(content).as(f.toString()).doesNotContain(z85).doesNotContain(raw);
        }
    }
}
