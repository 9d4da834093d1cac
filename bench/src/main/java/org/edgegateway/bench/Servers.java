package org.edgegateway.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts and stops the servers of a side-by-side run, each its own OS process on 127.0.0.1: the
 * gateway bundle ({@code bin/edge-gateway --home DIR run}), the bare JeroMQ echo ({@link EchoServer}),
 * its libzmq twin ({@code curve_echo.c}) and the pyzmq node ({@code central_node.py}). A Java server's
 * NaCl implementation is read back from its own {@code java.class.path} before it is used. Not
 * thread-safe: the run's main thread.
 */
final class Servers {
    private static final String GATEWAY_READY = "gateway: running";

    /** A running server: its process, endpoint and public key; a gateway's home, bundle and extra environment. */
    record Server(String name, Child child, String endpoint, String key, Path home, Path base,
                  Map<String, String> env) {
    }

    private final Workspace files;
    private final Children children;
    private final Report report;
    private final String python;
    private final Path node;

    /**
     * @param python the Python with pyzmq ({@code --python})
     * @param node   the pyzmq node's script ({@code --node})
     */
    Servers(Workspace files, Children children, Report report, String python, Path node) {
        this.files = files;
        this.children = children;
        this.report = report;
        this.python = python;
        this.node = node;
    }

    /** A gateway of the bundle {@code base} on {@code home}, with its own ports and {@code extraEnv}. */
    Server gateway(String name, Path home, Path base, Map<String, String> extraEnv) throws Exception {
        int port = freePort();
        Map<String, String> env = gatewayEnv("tcp://127.0.0.1:" + port);
        env.putAll(extraEnv);
        Child c = children.start(name, List.of(base.resolve("bin/edge-gateway").toString(), "--home", home.toString(),
                "run"), env);
        c.awaitLine(GATEWAY_READY, Duration.ofSeconds(90));
        checkClassPath(c, base.equals(files.jnaclBundle()));
        report.progress(name + " ready (pid " + c.pid() + ", tcp://127.0.0.1:" + port + ")");
        return new Server(name, c, "tcp://127.0.0.1:" + port, files.gatewayKey(), home, base, extraEnv);
    }

    /** The same gateway (or libzmq echo) again, on the same endpoint (and home), after it was stopped. */
    Server restart(Server old) throws Exception {
        if (old.base() == null) {
            return cEcho(Integer.parseInt(old.endpoint().substring(old.endpoint().lastIndexOf(':') + 1)));
        }
        Map<String, String> env = gatewayEnv(old.endpoint());
        env.putAll(old.env());
        Child c = children.start(old.name(), List.of(old.base().resolve("bin/edge-gateway").toString(), "--home",
                old.home().toString(), "run"), env);
        c.awaitLine(GATEWAY_READY, Duration.ofSeconds(90));
        return new Server(old.name(), c, old.endpoint(), old.key(), old.home(), old.base(), old.env());
    }

    private static Map<String, String> gatewayEnv(String endpoint) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("EGW_GATEWAY_ENDPOINT", endpoint);
        env.put("EGW_ADMIN_PORT", "0");
        // two gateways run at once: each its own publisher and workers' port too
        env.put("EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + freePort());
        env.put("EGW_WORKERS_ENDPOINT", "tcp://127.0.0.1:" + freePort());
        // admission stays in the path (every message is checked) but never refuses the benchmark's load
        env.put("EGW_ADMISSION_RATE_MESSAGES_PER_SECOND", "10000000");
        env.put("EGW_ADMISSION_RATE_BURST", "100000000");
        env.put("EGW_ADMISSION_RATE_BYTES_PER_SECOND", "100GiB");
        env.put("EGW_ADMISSION_BAN_EXEMPT_LOOPBACK", "true");
        return env;
    }

    /** The bare JeroMQ echo on {@code classPath} (the stand-in's or jnacl's). */
    Server echo(String name, String classPath) throws Exception {
        int port = freePort();
        Child c = children.start(name, List.of("java", "-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.net.preferIPv4Stack=true", "-cp", classPath, EchoServer.class.getName(),
                "tcp://127.0.0.1:" + port, files.echoSecretFile().toString(), files.keysFile().toString()), Map.of());
        c.awaitLine("READY", Duration.ofSeconds(60));
        checkClassPath(c, classPath.equals(files.jnaclClassPath()));
        report.progress(name + " ready (pid " + c.pid() + ")");
        return new Server(name, c, "tcp://127.0.0.1:" + port, files.echoKey(), null, null, Map.of());
    }

    /** The libzmq twin of the echo server: same server key, same allowed keys, same socket options. */
    Server cEcho() throws Exception {
        return cEcho(freePort());
    }

    /** The libzmq echo on {@code port} (again, after it was stopped: block 4b's reference). */
    Server cEcho(int port) throws Exception {
        Child c = children.start("c-echo", List.of(files.programs().echo().toString(), "tcp://127.0.0.1:" + port,
                files.echoSecretFile().toString(), files.keysFile().toString()), Map.of());
        c.awaitLine("READY", Duration.ofSeconds(60));
        report.progress("c-echo ready (pid " + c.pid() + ")");
        return new Server("c-echo", c, "tcp://127.0.0.1:" + port, files.echoKey(), null, null, Map.of());
    }

    Server python() throws Exception {
        int port = freePort();
        Child c = children.start("pyzmq-node", List.of(python, node.toString(), "tcp://127.0.0.1:" + port,
                files.pythonCerts().resolve("server.key_secret").toString(),
                files.pythonCerts().resolve("clients").toString()), Map.of());
        c.awaitLine("READY", Duration.ofSeconds(60));
        report.progress("pyzmq-node ready (pid " + c.pid() + ")");
        return new Server("pyzmq-node", c, "tcp://127.0.0.1:" + port, files.echoKey(), null, null, Map.of());
    }

    void stop(Server s) throws InterruptedException {
        children.stop(s.child(), Duration.ofSeconds(30));
    }

    /** Stops each of {@code servers} that is not null. */
    void stopEach(Server... servers) throws InterruptedException {
        for (Server s : servers) {
            if (s != null) {
                stop(s);
            }
        }
    }

    /** A TCP port of 127.0.0.1 free now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Asserts, from the running JVM's own java.class.path, which NaCl implementation it has. */
    private static void checkClassPath(Child c, boolean wantJnacl) throws Exception {
        String props = ProcStats.jcmd(c.pid(), "VM.system_properties");
        String cp = props.lines().filter(l -> l.startsWith("java.class.path=")).findFirst().orElse("");
        boolean jnacl = cp.contains("jnacl-1.0.0.jar");
        boolean standIn = cp.contains("edge-gateway-nacl-");
        if (jnacl != wantJnacl || standIn == wantJnacl) {
            throw new IllegalStateException(c.name() + ": class path has jnacl=" + jnacl + " stand-in=" + standIn);
        }
    }
}
