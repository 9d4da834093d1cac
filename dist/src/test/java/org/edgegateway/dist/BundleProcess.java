package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The unpacked bundle run as separate OS processes, the way an admin runs it. Not thread-safe: one
 * per test.
 */
final class BundleProcess implements AutoCloseable {
    /** What a finished command printed and returned. */
    record Result(int exitCode, String out, String err) {
    }

    private final Path base;
    private final Path home;
    private final Map<String, String> env;
    private Lines gateway;
    private List<String> gatewayOutput = List.of();
    private String token;
    private HttpClient https;

    /**
     * A bundle at {@code base} run on {@code home} with {@code env}; the workers' port is a free one
     * unless {@code env} names it, so that no two bundles (or test runs) meet on the default 5559.
     */
    BundleProcess(Path base, Path home, Map<String, String> env) {
        this.base = base;
        this.home = home;
        Map<String, String> all = new java.util.HashMap<>(env);
        if (!all.containsKey("EGW_WORKERS_ENDPOINT")) {
            try {
                all.put("EGW_WORKERS_ENDPOINT", "tcp://127.0.0.1:" + freePort());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        this.env = Map.copyOf(all);
    }

    /** Unpacks the built tarball into {@code into} and returns the bundle folder. */
    static Path unpack(Path tarball, Path into) throws Exception {
        Files.createDirectories(into);
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        try (var entries = Files.list(into)) {
            return entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free now and not handed out before in this JVM: the kernel may give the same ephemeral
     * port to two sockets opened and closed one after the other, and a test that asks for its
     * gateway's and its publisher's ports in a row then has the gateway fail to bind the second.
     */
    static int freePort() throws IOException {
        for (int attempt = 0; ; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int port = s.getLocalPort();
                if (HANDED_OUT.add(port) || attempt >= 100) {
                    return port;
                }
            }
        }
    }

    Path home() {
        return home;
    }

    Path base() {
        return base;
    }

    /** The EGW_ variables the gateway and its commands run with. */
    Map<String, String> env() {
        return env;
    }

    private ProcessBuilder builder(String launcher, String... args) {
        return builder(List.of(), launcher, args);
    }

    private ProcessBuilder builder(List<String> wrapper, String launcher, String... args) {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(base.resolve("bin").resolve(launcher).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("EGW_") || k.equals("EDGE_GATEWAY_HOME"));
        pb.environment().putAll(env);
        pb.environment().put("EDGE_GATEWAY_HOME", home.toString());
        return pb;
    }

    /** Runs an administration command to its end. */
    Result run(String... args) throws Exception {
        return runWith("edge-gateway", args);
    }

    Result runWith(String launcher, String... args) throws Exception {
        Process p = builder(launcher, args).start();
        p.getOutputStream().close();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("command %s finished", List.of(args)).isTrue();
        return new Result(p.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8),
                new String(err.readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Starts {@code edge-gateway run} and waits until it says it is running. */
    void startGateway() throws Exception {
        startGateway(List.of());
    }

    /** Starts {@code wrapper... BASE/bin/edge-gateway run} (a sandbox around it) and waits until it runs. */
    void startGateway(List<String> wrapper) throws Exception {
        https = null;
        gateway = new Lines(builder(wrapper, "edge-gateway", "run"), "bundle-gateway-output");
        gateway.endInput();
        gatewayOutput = gateway.lines();
        if (gateway.await(Duration.ofSeconds(90), l -> l.contains("gateway: running")) == null) {
            throw new AssertionError("gateway did not start; it printed:\n" + String.join("\n", gatewayOutput));
        }
    }

    /** The process id of the running gateway's JVM (the launcher replaces itself with it). */
    long gatewayPid() {
        return gateway.process().pid();
    }

    /** What the gateway printed since its last start, as it prints it. */
    List<String> gatewayOutput() {
        return gatewayOutput;
    }

    /** Waits for the gateway to end on its own; its exit code, or null when it still runs after {@code seconds}. */
    Integer awaitExit(long seconds) throws Exception {
        Process p = gateway.process();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            return null;
        }
        gateway.drained();
        gateway = null;
        return p.exitValue();
    }

    /** Sends SIGTERM and returns the exit code. */
    int stopGateway() throws Exception {
        Lines g = gateway;
        gateway = null;
        Process p = g.process();
        // Process.destroy() would also close our end of its output; the handle only signals (SIGTERM).
        p.toHandle().destroy();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError("gateway did not stop within 60 s after SIGTERM");
        }
        g.drained();
        return p.exitValue();
    }

    /**
     * A request to the running gateway's admin API, on {@code EGW_ADMIN_PORT} of the environment, with
     * an admin token of this home (made once, with {@code tokens create}). Once a call since the
     * gateway's last start has returned, later calls may come from several threads at once.
     *
     * @param json the body, sent as {@code application/json}; null for none
     */
    HttpResponse<String> api(String method, String path, String json) throws Exception {
        if (token == null) {
            Result made = run("tokens", "create", "bundle-process");
            assertThat(made.exitCode()).as(made.err()).isZero();
            token = made.out().strip();
        }
        if (https == null) {
            https = adminClient(home);
        }
        String port = env.get("EGW_ADMIN_PORT");
        assertThat(port).as("EGW_ADMIN_PORT").isNotNull().isNotEqualTo("0");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** An HTTPS client that trusts exactly the certificate the gateway generated into HOME/keys. */
    static HttpClient adminClient(Path home) throws Exception {
        String password = Files.readString(home.resolve("keys/admin-web.p12.password")).strip();
        KeyStore p12 = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(home.resolve("keys/admin-web.p12"))) {
            p12.load(in, password.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("admin-web", p12.getCertificate(p12.aliases().nextElement()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Copies the test script {@code /python/NAME} (of this module or core's test jar) into {@code dir}. */
    static Path script(Path dir, String name) throws IOException {
        Path script = dir.resolve(name);
        try (InputStream in = BundleProcess.class.getResourceAsStream("/python/" + name)) {
            assertThat(in).as("/python/" + name + " on the test class path").isNotNull();
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    /**
     * A process whose output (standard error merged in) is collected line by line as it comes, by a
     * daemon thread of its own; its standard input stays open for commands until {@link #endInput}.
     * Not thread-safe, except {@link #lines()}, which any thread may read.
     */
    static final class Lines implements AutoCloseable {
        private final Process process;
        private final Writer input;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Lines(ProcessBuilder builder, String name) throws IOException {
            process = builder.redirectErrorStream(true).start();
            input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Process p = process;
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, name);
            reader.setDaemon(true);
            reader.start();
        }

        Process process() {
            return process;
        }

        /** Every line printed so far; the list grows as the process prints. */
        List<String> lines() {
            return lines;
        }

        /** Writes {@code command} and a newline to the process's standard input. */
        void send(String command) throws IOException {
            input.write(command + "\n");
            input.flush();
        }

        /** Closes the process's standard input. */
        void endInput() throws IOException {
            input.close();
        }

        /**
         * The first line that matches, once printed within {@code timeout}; null when none is printed
         * in time or the process ended without printing one.
         */
        String await(Duration timeout, Predicate<String> match) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                boolean ended = !reader.isAlive();
                for (String line : lines) {
                    if (match.test(line)) {
                        return line;
                    }
                }
                if (ended || System.nanoTime() > deadline) {
                    return null;
                }
                Thread.sleep(50);
            }
        }

        /** Waits (10 s at most) until everything the ended process printed is in {@link #lines()}. */
        void drained() throws InterruptedException {
            reader.join(10_000);
        }

        /** Kills the process if it still runs. */
        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }
}
