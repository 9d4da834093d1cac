package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.edgegateway.keys.Z85;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's path on the real bundle: unpack the tarball, start the gateway as its own process,
 * enrol a sensor with the CLI, send from Debian's python3-zmq, administer it live, stop it with
 * SIGTERM, and find everything again at the next start.
 */
class BundleIT {
    static final String PYTHON = "/usr/bin/python3";

    static boolean pyzmq() throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    static BundleProcess.Result python(Path dir, String endpoint, Path bundle, String name, String... messages)
            throws Exception {
        Path script = dir.resolve("sensor.py");
        try (InputStream in = BundleIT.class.getResourceAsStream("/python/sensor.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(PYTHON, script.toString(), endpoint,
                bundle.resolve(name + ".key_secret").toString(), bundle.resolve("server.key").toString(), "DEALER"));
        cmd.addAll(List.of(messages));
        Process p = new ProcessBuilder(cmd).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new BundleProcess.Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void readmePathOnTheUnpackedTarball(@TempDir Path dir) throws Exception {
        Path base = BundleProcess.unpack(Path.of(System.getProperty("egw.tarball")), dir.resolve("opt"));
        assertThat(base.resolve("bin/edge-gateway")).isExecutable();
        assertThat(base.resolve("bin/edge-gateway-client")).isExecutable();
        assertThat(base.resolve("systemd/edge-gateway.service")).exists();
        assertThat(base.resolve("conf/gateway.properties.example")).content()
                .contains("#gateway.endpoint=tcp://*:5555").contains("#admin.port=8443");
        assertThat(base.resolve("THIRD-PARTY.txt")).content().contains("org.zeromq:jeromq").contains("Bouncy Castle");
        try (var libs = Files.list(base.resolve("lib"))) {
            List<String> jars = libs.map(p -> p.getFileName().toString()).toList();
            assertThat(jars).anyMatch(j -> j.startsWith("edge-gateway-nacl-"))
                    .noneMatch(j -> j.startsWith("jnacl"));
        }
        int port = BundleProcess.freePort();
        String endpoint = "tcp://127.0.0.1:" + port;
        try (BundleProcess bundle = new BundleProcess(base, dir.resolve("home"),
                Map.of("EGW_GATEWAY_ENDPOINT", endpoint, "EGW_ADMIN_PORT", "0",
                        "EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort(),
                        "EGW_JAVA_OPTS", "-Xmx256m"))) {
            bundle.startGateway();

            BundleProcess.Result key = bundle.run("keys", "show");
            assertThat(key.exitCode()).isZero();
            String serverKey = key.out().strip();
            assertThat(serverKey).hasSize(40);

            Path sensor = dir.resolve("sensor-1");
            BundleProcess.Result add = bundle.run("clients", "add", "sensor-1", "--generate", "--out", sensor.toString());
            assertThat(add.exitCode()).as(add.err()).isZero();
            assertThat(add.out()).contains("enrolled sensor-1").doesNotContain("not running");
            assertThat(Files.getPosixFilePermissions(sensor.resolve("sensor-1.key_secret")))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            ZCert server = ZCertFiles.read(sensor.resolve("server.key"));
            assertThat(Z85.encode(server.publicKey())).isEqualTo(serverKey);
            assertThat(server.metadata()).containsEntry("endpoint", endpoint);

            BundleProcess.Result dup = bundle.run("clients", "add", "sensor-1", "--public-key", serverKey);
            assertThat(dup.exitCode()).isEqualTo(Main.CONFLICT);
            assertThat(dup.err()).contains("sensor-1").doesNotContain("Exception");

            BundleProcess.Result bad = bundle.run("clients", "add", "x", "--public-key", "tooshort");
            assertThat(bad.exitCode()).isEqualTo(Main.USAGE);
            assertThat(bad.err()).contains("40 characters");

            if (pyzmq()) {
                BundleProcess.Result sent = python(dir, endpoint, sensor, "sensor-1", "JSON={\"temperature\": 25.5}");
                assertThat(sent.exitCode()).as(sent.err()).isZero();
                assertThat(sent.out().strip()).isEqualTo("ACK | JSON received (21 bytes)");
            } else {
                assumeTrue(!"true".equals(System.getenv("CI")), "python3-zmq must be installed in CI");
            }

            BundleProcess.Result javaClient = bundle.runWith("edge-gateway-client", "send", "--bundle", sensor.toString(),
                    "--endpoint", endpoint, "--type", "STRING", "--data", "hello");
            assertThat(javaClient.exitCode()).as(javaClient.out() + javaClient.err()).isZero();
            assertThat(javaClient.out()).contains("ACK");

            BundleProcess.Result plugins = bundle.run("plugins", "list");
            assertThat(plugins.exitCode()).as(plugins.err()).isZero();
            for (String type : List.of("JSON", "STRING", "BINARY")) {
                assertThat(plugins.out()).containsPattern("(?m)^\\S+\\s+\\S+\\s+" + type + "\\s+started\\s+signed by .*built-in");
            }

            BundleProcess.Result list = bundle.run("clients", "list");
            assertThat(list.exitCode()).isZero();
            assertThat(list.out()).containsPattern("sensor-1\\s+active");

            BundleProcess.Result push = bundle.run("clients", "send", "sensor-1", "--type", "CONFIG", "--data", "{}");
            assertThat(push.exitCode()).isEqualTo(Main.CONFLICT);
            assertThat(push.err()).contains("NOT_CONNECTED");
            BundleProcess.Result publish = bundle.run("topics", "publish", "alerts/site-1", "--data", "hello");
            assertThat(publish.exitCode()).as(publish.err()).isZero();

            BundleProcess.Result revoke = bundle.run("clients", "revoke", "sensor-1");
            assertThat(revoke.exitCode()).isZero();
            if (pyzmq()) {
                BundleProcess.Result refused = python(dir, endpoint, sensor, "sensor-1", "JSON={}");
                assertThat(refused.out()).contains("TIMEOUT");
            }

            assertThat(bundle.stopGateway()).as("exit code after SIGTERM").isZero();
            assertThat(bundle.gatewayOutput()).anyMatch(l -> l.contains("gateway: stopped"));
            assertThat(dir.resolve("home/logs/gateway.log")).isNotEmptyFile();

            // Offline administration, then the same state at the next start.
            BundleProcess.Result offline = bundle.run("clients", "list");
            assertThat(offline.out()).containsPattern("sensor-1\\s+revoked\\s+gateway down");
            bundle.startGateway();
            assertThat(bundle.run("keys", "show").out().strip()).isEqualTo(serverKey);
            assertThat(bundle.run("clients", "list").out()).containsPattern("sensor-1\\s+revoked\\s+disconnected");
            BundleProcess.Result doctor = bundle.run("doctor");
            assertThat(doctor.out()).contains("a gateway is running on this home").contains("all checks passed");
            assertThat(doctor.exitCode()).isZero();
            assertThat(bundle.stopGateway()).isZero();

            Path secret = dir.resolve("home/keys/server.key_secret");
            Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            BundleProcess.Result sick = bundle.run("doctor");
            assertThat(sick.exitCode()).isEqualTo(Main.FAILED);
            assertThat(sick.out()).contains("FAIL  server secret key").contains("chmod 600 " + secret);
            Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

            // A tampered built-in plugin is refused, and doctor says so.
            Path zip;
            try (var files = Files.list(base.resolve("plugins"))) {
                zip = files.filter(p -> p.getFileName().toString().startsWith("edge-gateway-plugin-string")
                        && p.toString().endsWith(".zip")).findFirst().orElseThrow();
            }
            byte[] bytes = Files.readAllBytes(zip);
            bytes[bytes.length / 2] ^= 1;
            Files.write(zip, bytes);
            BundleProcess.Result tampered = bundle.run("doctor");
            assertThat(tampered.exitCode()).isEqualTo(Main.FAILED);
            assertThat(tampered.out()).contains("FAIL  plugin edge-gateway-plugin-string").contains("refused");
        }
    }

    @Test
    void backupWhileRunningRestoresIntoAFreshHome(@TempDir Path dir) throws Exception {
        Path base = Path.of(System.getProperty("egw.bundle"));
        String endpoint = "tcp://127.0.0.1:" + BundleProcess.freePort();
        Map<String, String> env = Map.of("EGW_GATEWAY_ENDPOINT", endpoint, "EGW_ADMIN_PORT", "0",
                "EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort());
        Path backup = dir.resolve("backups/gw.zip");
        Path sensor = dir.resolve("sensor-b");
        String serverKey;
        try (BundleProcess first = new BundleProcess(base, dir.resolve("home-a"), env)) {
            first.startGateway();
            serverKey = first.run("keys", "show").out().strip();
            assertThat(first.run("clients", "add", "sensor-b", "--generate", "--out", sensor.toString()).exitCode()).isZero();
            assertThat(first.run("clients", "add", "gone", "--public-key", serverKey).exitCode()).isZero();
            assertThat(first.run("clients", "quarantine", "gone", "--for", "1h").exitCode()).isZero();

            BundleProcess.Result b = first.run("backup", backup.toString());
            assertThat(b.exitCode()).as(b.err()).isZero();
            assertThat(b.out()).contains("while the gateway was running");
            assertThat(Files.getPosixFilePermissions(backup))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(first.run("backup", backup.toString()).exitCode()).isEqualTo(Main.CONFLICT);
            assertThat(first.stopGateway()).isZero();

            BundleProcess.Result over = first.run("restore", backup.toString());
            assertThat(over.exitCode()).isEqualTo(Main.CONFLICT);
            assertThat(over.err()).contains("not empty");
        }
        try (BundleProcess second = new BundleProcess(base, dir.resolve("home-b"), env)) {
            BundleProcess.Result r = second.run("restore", backup.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            second.startGateway();
            assertThat(second.run("keys", "show").out().strip()).isEqualTo(serverKey);
            String list = second.run("clients", "list").out();
            assertThat(list).containsPattern("sensor-b\\s+active").containsPattern("gone\\s+quarantined");
            if (pyzmq()) {
                BundleProcess.Result sent = python(dir, endpoint, sensor, "sensor-b", "STRING=back again");
                assertThat(sent.exitCode()).as(sent.err()).isZero();
                assertThat(sent.out().strip()).isEqualTo("ACK | STRING received (10 bytes)");
            }
            assertThat(second.stopGateway()).isZero();
        }
    }

    @Test
    void badConfigurationStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        Path base = Path.of(System.getProperty("egw.bundle"));
        try (BundleProcess bundle = new BundleProcess(base, dir.resolve("home"),
                Map.of("EGW_GATEWAY_HEARTBEAT_INTERVAL", "soon", "EGW_ADMIN_PORT", "0"))) {
            BundleProcess.Result r = bundle.run("run");
            assertThat(r.exitCode()).isEqualTo(Main.USAGE);
            assertThat(r.err()).contains("gateway.heartbeat-interval").contains("soon").doesNotContain("\tat ");
        }
        Path conf = Files.createDirectories(dir.resolve("home2/conf"));
        Files.writeString(conf.resolve("gateway.properties"), "gateway.endpiont=tcp://*:5555\n");
        try (BundleProcess bundle = new BundleProcess(base, dir.resolve("home2"), Map.of())) {
            BundleProcess.Result r = bundle.run("run");
            assertThat(r.exitCode()).isEqualTo(Main.USAGE);
            assertThat(r.err()).contains("unknown configuration key 'gateway.endpiont'");
        }
    }
}
