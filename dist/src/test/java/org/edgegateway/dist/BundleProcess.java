package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
    private Process gateway;
    private Thread gatewayReader;
    private final List<String> gatewayOutput = new CopyOnWriteArrayList<>();

    BundleProcess(Path base, Path home, Map<String, String> env) {
        this.base = base;
        this.home = home;
        this.env = env;
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Path home() {
        return home;
    }

    Path base() {
        return base;
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
        gatewayOutput.clear();
        gateway = builder(wrapper, "edge-gateway", "run").redirectErrorStream(true).start();
        gateway.getOutputStream().close();
        Process p = gateway;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    gatewayOutput.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "bundle-gateway-output");
        reader.setDaemon(true);
        reader.start();
        gatewayReader = reader;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (gatewayOutput.stream().anyMatch(l -> l.contains("gateway: running"))) {
                return;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("gateway did not start; it printed:\n" + String.join("\n", gatewayOutput));
    }

    List<String> gatewayOutput() {
        return gatewayOutput;
    }

    /** Waits for the gateway to end on its own; its exit code, or null when it still runs after {@code seconds}. */
    Integer awaitExit(long seconds) throws Exception {
        Process p = gateway;
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            return null;
        }
        gateway = null;
        gatewayReader.join(10_000);
        return p.exitValue();
    }

    /** Sends SIGTERM and returns the exit code. */
    int stopGateway() throws Exception {
        Process p = gateway;
        gateway = null;
        // Process.destroy() would also close our end of its output; the handle only signals (SIGTERM).
        p.toHandle().destroy();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError("gateway did not stop within 60 s after SIGTERM");
        }
        gatewayReader.join(10_000);
        return p.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (gateway != null) {
            gateway.destroyForcibly();
            gateway.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
