package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README as a new admin follows it, on the built bundle: its enrol command and its Python
 * snippet (with Debian's python3-zmq) against a running gateway, accepted and then refused; and a
 * bundle downloaded from the REST API (zip and tar.gz), unpacked with the system's tools and used as
 * it is by pyzmq and by {@code edge-gateway-client}.
 */
class ReadmeIT {

    private static String readme() throws Exception {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path readme = dir.resolve("README.md");
            if (Files.isRegularFile(readme) && Files.isDirectory(dir.resolve("dist"))) {
                return Files.readString(readme);
            }
        }
        throw new AssertionError("README.md not found above " + Path.of("").toAbsolutePath());
    }

    /** The first fenced block of {@code language} after {@code heading}. */
    private static String block(String readme, String heading, String language) {
        int at = readme.indexOf(heading);
        assertThat(at).as("README heading %s", heading).isNotNegative();
        Matcher m = Pattern.compile("```" + language + "\n(.*?)\n```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find(at)).as("a %s block after %s", language, heading).isTrue();
        return m.group(1);
    }

    private static BundleProcess.Result python(Path home, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(BundleIT.PYTHON, "-c", script);
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new BundleProcess.Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void theReadmesEnrolCommandAndPythonSnippetWorkAndSayWhatToCheckWhenRefused(@TempDir Path dir) throws Exception {
        assumeTrue(BundleIT.pyzmq() || "true".equals(System.getenv("CI")), "python3-zmq is not installed");
        String readme = readme();
        String shell = block(readme, "## Enrol a sensor and send from Python", "sh");
        String snippet = block(readme, "## Enrol a sensor and send from Python", "python");
        assertThat(shell).contains("export PATH=\"$PWD/dist/target/edge-gateway/bin:$PATH\"");
        assertThat(snippet).contains("rcvtimeo").contains("tcp://127.0.0.1:5555");
        assertThat(readme).contains("gateway.public-endpoint");

        Path user = Files.createDirectories(dir.resolve("user"));
        int port = BundleProcess.freePort();
        String endpoint = "tcp://127.0.0.1:" + port;
        try (BundleProcess bundle = new BundleProcess(Path.of(System.getProperty("egw.bundle")), dir.resolve("home"),
                Map.of("EGW_GATEWAY_ENDPOINT", endpoint, "EGW_ADMIN_PORT", Integer.toString(BundleProcess.freePort()),
                        "EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort()))) {
            bundle.startGateway();

            String add = shell.lines().filter(l -> l.startsWith("edge-gateway clients add")).findFirst().orElseThrow();
            List<String> args = new ArrayList<>(Arrays.asList(add.replace("~", user.toString()).split("\\s+")));
            args.remove(0);
            BundleProcess.Result enrolled = bundle.run(args.toArray(String[]::new));
            assertThat(enrolled.exitCode()).as(enrolled.err()).isZero();
            Path sensor = user.resolve("edge-gateway-bundles/sensor-1");
            assertThat(sensor.resolve("sensor-1.key_secret")).exists();

            // The README's port is the default one; this gateway listens on a free port.
            String script = snippet.replace("tcp://127.0.0.1:5555", endpoint);
            BundleProcess.Result sent = python(user, script);
            assertThat(sent.exitCode()).as(sent.err()).isZero();
            assertThat(sent.out().strip()).isEqualTo("[b'ACK', b'JSON received (21 bytes)']");

            BundleProcess.Result java = bundle.runWith("edge-gateway-client", "send", "--bundle", sensor.toString(),
                    "--type", "JSON", "--data", "{\"temperature\": 25.5}");
            assertThat(java.exitCode()).as(java.out() + java.err()).isZero();
            assertThat(java.out()).contains("ACK");

            assertThat(bundle.run("clients", "revoke", "sensor-1").exitCode()).isZero();
            BundleProcess.Result refused = python(user, script);
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.err()).contains("no reply within 5 s").contains("edge-gateway clients list");
            BundleProcess.Result list = bundle.run("clients", "list");
            assertThat(list.out()).containsPattern("sensor-1\\s+revoked\\s+disconnected\\s+-\\s+\\d+\\s+-\\s+20\\d\\d-");
        }
    }

    @Test
    void aBundleDownloadedFromTheRestApiWorksAsItIsUnpacked(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unzip")), "no /usr/bin/unzip");
        int adminPort = BundleProcess.freePort();
        String endpoint = "tcp://127.0.0.1:" + BundleProcess.freePort();
        try (BundleProcess bundle = new BundleProcess(Path.of(System.getProperty("egw.bundle")), dir.resolve("home"),
                Map.of("EGW_GATEWAY_ENDPOINT", endpoint, "EGW_ADMIN_PORT", Integer.toString(adminPort),
                        "EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort()))) {
            bundle.startGateway();
            BundleProcess.Result made = bundle.run("tokens", "create", "automation");
            assertThat(made.exitCode()).as(made.err()).isZero();
            String token = made.out().strip();
            HttpClient https = BundleProcess.adminClient(dir.resolve("home"));
            String url = "https://127.0.0.1:" + adminPort;

            for (String format : List.of("zip", "tar.gz")) {
                String name = "rest-" + format.replace('.', '-');
                HttpResponse<String> generated = https.send(HttpRequest.newBuilder(URI.create(url + "/api/clients/generate"))
                        .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\", \"format\": \"" + format + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(generated.statusCode()).as(generated.body()).isEqualTo(201);
                Matcher link = Pattern.compile("\"bundle\"\\s*:\\s*\"([^\"]+)\"").matcher(generated.body());
                assertThat(link.find()).isTrue();
                HttpResponse<byte[]> archive = https.send(HttpRequest.newBuilder(URI.create(url + link.group(1)))
                        .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(archive.statusCode()).isEqualTo(200);
                Path unpacked = Files.createDirectories(dir.resolve("unpacked-" + name));
                Path file = unpacked.resolve(name + "." + format);
                Files.write(file, archive.body());
                if (format.equals("zip")) {
                    run(unpacked, "/usr/bin/unzip", "-q", file.toString());
                } else {
                    run(unpacked, "tar", "-xzf", file.toString());
                }
                Path folder = unpacked.resolve(name);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(name + ".key_secret"))))
                        .as("%s: the secret unpacks owner-only", format).isEqualTo("rw-------");

                if (BundleIT.pyzmq()) {
                    BundleProcess.Result sent = BundleIT.python(dir, endpoint, folder, name, "JSON={\"temperature\": 25.5}");
                    assertThat(sent.exitCode()).as(sent.err()).isZero();
                    assertThat(sent.out().strip()).isEqualTo("ACK | JSON received (21 bytes)");
                }
                // No --endpoint: the bundle's server.key names it.
                BundleProcess.Result java = bundle.runWith("edge-gateway-client", "send", "--bundle", folder.toString(),
                        "--type", "STRING", "--data", "hello");
                assertThat(java.exitCode()).as(java.out() + java.err()).isZero();
                assertThat(java.out()).contains("ACK");
                assertThat(java.err()).doesNotContain("readable by other users");
            }
        }
    }
}
