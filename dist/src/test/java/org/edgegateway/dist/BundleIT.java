package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.edgegateway.keys.Z85;
import org.edgegateway.nacl.NaclClassPath;
import org.edgegateway.transport.PollerClassPath;
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

    /** Whether the host has Debian's libsodium23 (CI installs it, so there it must). */
    static boolean libsodium() {
        return "true".equals(System.getenv("CI")) || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libsodium.so.23"));
    }

    static BundleProcess.Result python(Path dir, String endpoint, Path bundle, String name, String... messages)
            throws Exception {
        Path script = BundleProcess.script(dir, "sensor.py");
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
        assertThat(base.resolve("THIRD-PARTY.txt")).content().contains("Bouncy Castle")
                .contains("(Mozilla Public License 2.0) JeroMQ 0.6.0 (org.zeromq:jeromq:0.6.0) repackaged")
                .contains("org.edgegateway:edge-gateway-jeromq:").contains("Java Native Access");
        assertThat(base.resolve("licenses/LICENSE-JeroMQ-MPL-2.0.txt")).content().startsWith("Mozilla Public License Version 2.0");
        assertThat(base.resolve("licenses/NOTICE-edge-gateway-jeromq.txt")).content()
                .contains("zmq/poll/Poller.java").contains("zmq/poll/PollerBase.java")
                .contains("zmq/io/coder/DecoderBase.java").contains("zmq/io/coder/EncoderBase.java")
                .contains("zmq/Signaler.java");
        assertThat(base.resolve("NOTICE")).content().contains("lib/edge-gateway-jeromq-*.jar is JeroMQ 0.6.0");
        try (var libs = Files.list(base.resolve("lib"))) {
            List<Path> jarPaths = libs.filter(p -> p.toString().endsWith(".jar")).toList();
            List<String> jars = jarPaths.stream().map(p -> p.getFileName().toString()).toList();
            assertThat(jars).anyMatch(j -> j.startsWith("edge-gateway-nacl-"))
                    .anyMatch(j -> j.startsWith("edge-gateway-jeromq-"))
                    .noneMatch(j -> j.startsWith("jnacl"))
                    .noneMatch(j -> j.startsWith("jeromq"));
            // the bundle's class path: JeroMQ once, with the project's poller and the project's NaCl
            URL[] urls = new URL[jarPaths.size()];
            for (int i = 0; i < urls.length; i++) {
                urls[i] = jarPaths.get(i).toUri().toURL();
            }
            try (URLClassLoader bundleLoader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
                PollerClassPath.requireProjectPoller(bundleLoader);
                NaclClassPath.requireStandIn(bundleLoader);
            }
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

            // The handshakes and messages above ran on the host's libsodium where it has one (CI installs it), through
            // a JNA stub unpacked into the home's run folder, which only the gateway's user may enter.
            if (libsodium()) {
                assertThat(bundle.gatewayOutput())
                        .anyMatch(l -> l.contains("gateway: CURVE crypto: X25519 and XSalsa20-Poly1305 by libsodium 1."));
                assertThat(Files.getPosixFilePermissions(dir.resolve("home/run/jna")))
                        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                                PosixFilePermission.OWNER_EXECUTE);
            }

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
            if (libsodium()) {
                assertThat(doctor.out()).contains("OK  X25519 and XSalsa20-Poly1305 by libsodium 1.");
            }
            // Without libsodium the checks still pass, with a warning that names the package to install.
            Map<String, String> noSodium = new java.util.HashMap<>(bundle.env());
            noSodium.put("EGW_JAVA_OPTS", "-Xmx256m -Dorg.edgegateway.nacl.libsodium=/nonexistent/libsodium.so");
            try (BundleProcess without = new BundleProcess(base, dir.resolve("home"), noSodium)) {
                BundleProcess.Result warned = without.run("doctor");
                assertThat(warned.exitCode()).as(warned.out()).isZero();
                assertThat(warned.out())
                        .contains("WARN  X25519 and XSalsa20-Poly1305 by BouncyCastle (libsodium not loaded: /nonexistent/libsodium.so: ")
                        .contains("apt install libsodium23");
            }
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

    static int getStatus(java.net.http.HttpClient client, String url, String token) throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                        .timeout(java.time.Duration.ofSeconds(20)).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void tokensAreMadeListedAndRevokedOnTheRunningGateway(@TempDir Path dir) throws Exception {
        Path base = Path.of(System.getProperty("egw.bundle"));
        int adminPort = BundleProcess.freePort();
        Map<String, String> env = Map.of("EGW_GATEWAY_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort(),
                "EGW_ADMIN_PORT", Integer.toString(adminPort),
                "EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort());
        try (BundleProcess bundle = new BundleProcess(base, dir.resolve("home"), env)) {
            bundle.startGateway();
            BundleProcess.Result made = bundle.run("tokens", "create", "prometheus", "--scope", "metrics",
                    "--expires-in", "90d");
            assertThat(made.exitCode()).as(made.err()).isZero();
            String token = made.out().strip();
            assertThat(token).startsWith("egw_").doesNotContain("\n");
            assertThat(made.err()).contains("scope metrics").contains("expires ").contains("shown only this once");

            java.net.http.HttpClient https = BundleProcess.adminClient(dir.resolve("home"));
            String url = "https://127.0.0.1:" + adminPort;
            assertThat(getStatus(https, url + "/metrics", token)).isEqualTo(200);
            assertThat(getStatus(https, url + "/api/clients", token)).as("a metrics token reads nothing else")
                    .isEqualTo(403);

            BundleProcess.Result list = bundle.run("tokens", "list");
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).containsPattern("prometheus\\s+metrics\\s+\\S+\\s+20\\S+Z\\s+\\S+\\s+active")
                    .doesNotContain(token);

            BundleProcess.Result bad = bundle.run("tokens", "create", "x", "--scope", "root");
            assertThat(bad.exitCode()).isEqualTo(Main.USAGE);
            assertThat(bad.err()).contains("token scope 'root' is not one of admin, read-only, metrics");

            assertThat(bundle.run("tokens", "create", "forever").exitCode()).isZero();
            BundleProcess.Result doctor = bundle.run("doctor");
            assertThat(doctor.out()).contains("WARN  API tokens with admin scope that never expire: forever")
                    .doesNotContain("prometheus");

            BundleProcess.Result revoke = bundle.run("tokens", "revoke", "prometheus");
            assertThat(revoke.exitCode()).as(revoke.err()).isZero();
            assertThat(getStatus(https, url + "/metrics", token)).isEqualTo(401);
            assertThat(bundle.stopGateway()).isZero();

            // The same commands on the stopped gateway's key store.
            BundleProcess.Result offline = bundle.run("tokens", "create", "later", "--scope", "read-only");
            assertThat(offline.exitCode()).as(offline.err()).isZero();
            assertThat(bundle.run("tokens", "list").out()).containsPattern("later\\s+read-only")
                    .containsPattern("prometheus\\s+metrics.*revoked");

            // doctor also looks at the JVM options of the home, which others must not be able to write
            Path options = dir.resolve("home/conf/jvm.options");
            Files.writeString(options, "-Xmx256m\n");
            Files.setPosixFilePermissions(options, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
            BundleProcess.Result sick = bundle.run("doctor");
            assertThat(sick.exitCode()).isEqualTo(Main.FAILED);
            assertThat(sick.out()).contains("FAIL  " + options).contains("chmod 600 " + options);
            assertThat(sick.err()).contains("ignoring " + options);
            Files.setPosixFilePermissions(options, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            assertThat(bundle.run("doctor").out()).contains("OK  " + options + " is yours and read by the launcher");
        }
    }

    @Test
    void builtinPluginsAreTrustedThroughTheBundleWithoutTouchingTheHome(@TempDir Path dir) throws Exception {
        Path base = Path.of(System.getProperty("egw.bundle"));
        Path home = dir.resolve("home");
        try (BundleProcess bundle = new BundleProcess(base, home, Map.of(
                "EGW_GATEWAY_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort(), "EGW_ADMIN_PORT", "0",
                "EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort()))) {
            bundle.startGateway();
            BundleProcess.Result plugins = bundle.run("plugins", "list");
            for (String type : List.of("JSON", "STRING", "BINARY")) {
                assertThat(plugins.out()).containsPattern("(?m)^\\S+\\s+\\S+\\s+" + type + "\\s+started\\s+signed by .*built-in");
            }
            Path stored = home.resolve("keys/publishers");
            if (Files.isDirectory(stored)) {
                try (var files = Files.list(stored)) {
                    assertThat(files).as("the bundle's key is not copied into HOME/keys/publishers").isEmpty();
                }
            }
            assertThat(bundle.gatewayOutput()).anyMatch(l -> l.contains("signed with a DEVELOPMENT key made for one build"));
            BundleProcess.Result trusted = bundle.run("plugins", "trusted");
            assertThat(trusted.exitCode()).as(trusted.err()).isZero();
            assertThat(trusted.out()).contains("built-ins (bundle's DEVELOPMENT key)").contains("DEVELOPMENT BUILD KEY");

            // A key an older release copied into the home is reported, and goes with `plugins untrust`.
            Path oldKey = dir.resolve("old-build.key");
            assertThat(bundle.run("plugins", "keygen", oldKey.toString(), "--comment", "Edge Gateway built-in plugins")
                    .exitCode()).isZero();
            String fingerprint = org.edgegateway.core.plugins.PluginSignatures.readPublicKey(Path.of(oldKey + ".pub"))
                    .fingerprint();
            Files.createDirectories(stored);
            Files.copy(Path.of(oldKey + ".pub"), stored.resolve(fingerprint + ".pub"));
            BundleProcess.Result doctor = bundle.run("doctor");
            assertThat(doctor.out()).contains("WARN  the built-in plugins are signed with a development key")
                    .contains("WARN  publisher key " + fingerprint).contains("edge-gateway plugins untrust " + fingerprint);
            BundleProcess.Result untrust = bundle.run("plugins", "untrust", fingerprint);
            assertThat(untrust.exitCode()).as(untrust.err()).isZero();
            assertThat(stored.resolve(fingerprint + ".pub")).doesNotExist();
            assertThat(bundle.run("plugins", "untrust", fingerprint).exitCode()).isEqualTo(Main.NOT_FOUND);
            BundleProcess.Result bundled = bundle.run("plugins", "untrust",
                    trusted.out().lines().filter(l -> l.contains("DEVELOPMENT")).findFirst().orElseThrow().split("\\s+")[0]);
            assertThat(bundled.exitCode()).isEqualTo(Main.USAGE);
            assertThat(bundled.err()).contains("is the bundle's own");
            assertThat(bundle.stopGateway()).isZero();
            BundleProcess.Result again = bundle.run("plugins", "trusted");
            assertThat(again.out()).doesNotContain(fingerprint).contains("bundle's DEVELOPMENT key");
        }
    }

    /** Whether this machine lets a process get a mount namespace of its own (as root, or through a user namespace). */
    static boolean mountNamespaces() throws Exception {
        Process p = new ProcessBuilder("unshare", "--user", "--map-root-user", "--mount", "true").redirectErrorStream(true).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void backupWorksWhenTheGatewaysSandboxCannotWriteTheBackupFolder(@TempDir Path dir) throws Exception {
        assumeTrue(mountNamespaces(), "unshare cannot make a mount namespace here");
        Path base = Path.of(System.getProperty("egw.bundle"));
        Path backups = Files.createDirectories(dir.resolve("backups"));
        Map<String, String> env = Map.of("EGW_GATEWAY_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort(),
                "EGW_ADMIN_PORT", "0", "EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort());
        // As the unit's ProtectSystem=strict does to /backups: the gateway sees the folder read-only (a
        // mount namespace of its own), while the CLI, outside it, may write there. The wrapper checks
        // that the gateway really cannot write it before starting it.
        List<String> sandbox = List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                "mount --bind -o ro \"$0\" \"$0\" && if touch \"$0/probe\" 2>/dev/null; then exit 97; fi; exec \"$@\"",
                backups.toString());
        try (BundleProcess bundle = new BundleProcess(base, dir.resolve("home"), env)) {
            bundle.startGateway(sandbox);
            assertThat(bundle.run("clients", "add", "kept", "--public-key", bundle.run("keys", "show").out().strip())
                    .exitCode()).isZero();
            BundleProcess.Result b = bundle.run("backup", backups.resolve("gw.zip").toString());
            assertThat(b.exitCode()).as(b.err()).isZero();
            assertThat(b.out()).contains("while the gateway was running");
            try (var files = Files.list(backups)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("gw.zip");
            }
            try (var entries = Files.list(dir.resolve("home/data"))) {
                assertThat(entries.map(p -> p.getFileName().toString())).as("no copy left in the gateway's data folder")
                        .noneMatch(n -> n.contains("backup"));
            }
            assertThat(bundle.stopGateway()).isZero();
        }
        try (BundleProcess restored = new BundleProcess(base, dir.resolve("home-b"), env)) {
            BundleProcess.Result r = restored.run("restore", backups.resolve("gw.zip").toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(restored.run("clients", "list").out()).containsPattern("kept\\s+active");
        }
    }

    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + "\n" + out;
    }

    /** A home whose conf/jvm.options holds {@code options}, owned by {@code uid}. */
    static Path homeWithJvmOptions(Path dir, String name, String options, int uid) throws Exception {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/jvm.options"), "# written by the home's owner\n" + options + "\n");
        assertThat(run(List.of("chown", "-R", uid + ":" + uid, home.toString()))).startsWith("0\n");
        return home;
    }

    @Test
    void theLauncherTakesNoJvmOptionsFromAHomeThatIsNotTheCallers(@TempDir Path dir) throws Exception {
        assumeTrue(run(List.of("id", "-u")).equals("0\n0\n"), "needs root, to make homes owned by another user");
        String launcher = Path.of(System.getProperty("egw.bundle")).resolve("bin/edge-gateway").toString();
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        // What a service user could write to take over root's JVM: an agent of its own (here one that
        // does not exist, so that a JVM that reads it fails to start).
        String agent = "-javaagent:" + dir.resolve("service-user-agent.jar");

        Path serviceHome = homeWithJvmOptions(dir, "service-home", agent, 65534);
        String asRoot = run(List.of(launcher, "--home", serviceHome.toString(), "--version"));
        assertThat(asRoot).as("root on the service user's home").startsWith("0\n").contains("edge-gateway ")
                .contains("ignoring " + serviceHome.resolve("conf/jvm.options")).contains("must belong to you (uid 0)")
                .doesNotContain("service-user-agent");

        Path rootHome = homeWithJvmOptions(dir, "root-home", agent, 0);
        String asOther = run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                launcher, "--home", rootHome.toString(), "--version"));
        assertThat(asOther).as("another user on root's home").startsWith("0\n").contains("edge-gateway ")
                .contains("ignoring " + rootHome.resolve("conf/jvm.options"));

        Path groupWritable = homeWithJvmOptions(dir, "group-writable", agent, 0);
        Files.setPosixFilePermissions(groupWritable.resolve("conf/jvm.options"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
        assertThat(run(List.of(launcher, "--home", groupWritable.toString(), "--version")))
                .as("a file others may write").startsWith("0\n").contains("ignoring ");

        // The owner's own options still count.
        Path ownHome = homeWithJvmOptions(dir, "own-home", "-showversion", 0);
        assertThat(run(List.of(launcher, "--home", ownHome.toString(), "--version"))).startsWith("0\n")
                .contains("Runtime Environment").doesNotContain("ignoring");
        assertThat(run(List.of(launcher, "--home", rootHome.toString(), "--version"))).as("root on its own home")
                .doesNotStartWith("0\n").contains("service-user-agent.jar");
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
