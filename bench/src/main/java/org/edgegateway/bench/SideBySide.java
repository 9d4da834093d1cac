package org.edgegateway.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.zeromq.ZMQ;

/**
 * The side-by-side benchmark, run by hand: the gateway bundle, a bare JeroMQ CURVE echo server
 * ({@link EchoServer}), its bare libzmq twin ({@code bench/src/main/c/curve_echo.c}) and a seed-style
 * pyzmq central node ({@code bench/src/main/python/central_node.py}), each its own OS process on
 * 127.0.0.1, loaded by the same libzmq load-client processes ({@code bench/src/main/c/load.c}, or
 * {@link LoadClient} with {@code --client jeromq}), with the servers' CPU time read from
 * {@code /proc/PID/stat} over each measured window. Both C programs are compiled with gcc into the
 * work folder at the start. The gateway and the JeroMQ echo run once with the BouncyCastle stand-in
 * ({@code lib/edge-gateway-nacl-*.jar}) and once with the original jnacl jar in its place. Blocks:
 *
 * <ol>
 * <li>messages: 64 B and 1 KiB, 1 and 16 clients, 1 and 100 in flight, gateway / JeroMQ echo / C echo /
 * pyzmq in turn;</li>
 * <li>CURVE handshakes per second (short-lived clients: connect, one message, close);</li>
 * <li>idle authenticated clients held by the gateway, with its heap and RSS per client (JeroMQ
 * clients, SDK-like);</li>
 * <li>jnacl vs the stand-in: messages (16 x 100), handshakes (from block 2) and a reconnect storm
 * after a gateway restart;</li>
 * <li>isolation: STRING clients alone, then next to clients of four misbehaving plugins (SLOW, HANG,
 * THROW, HOG) installed in a gateway of its own.</li>
 * </ol>
 *
 * Results go to {@code WORK/results.md} and standard output (this is a command-line tool); the logs of
 * every process to {@code WORK/logs}. Not thread-safe: one run per JVM, on the main thread (each
 * {@link Child} has a reader thread of its own). See {@code bench/README.md}.
 */
public final class SideBySide {
    private static final String GATEWAY_READY = "gateway: running";
    /** Pace of each client of a misbehaving plugin in the isolation block (ms between two sends). */
    private static final int BAD_INTERVAL_MS = 20;
    private static final List<String> BLOCKS = List.of("1", "2", "3", "4", "storm", "profile", "workers", "isolation");
    /** The misbehaving plugins of the isolation block: message type, plugin id, handler class. */
    private static final List<BadPlugin> BAD_PLUGINS = List.of(
            new BadPlugin("SLOW", "bench-slow", org.edgegateway.bench.plugins.SlowHandler.class),
            new BadPlugin("HANG", "bench-hang", org.edgegateway.bench.plugins.HangHandler.class),
            new BadPlugin("THROW", "bench-throw", org.edgegateway.bench.plugins.ThrowHandler.class),
            new BadPlugin("HOG", "bench-hog", org.edgegateway.bench.plugins.HogHandler.class));

    private final Map<String, String> opt;
    private final Path work;
    private final Path logs;
    private final Path bundle;
    private final Path benchJar;
    private final Path jnaclJar;
    private final int seconds;
    private final int warmup;
    private final List<String> blocks;
    private final boolean jeromqClient;
    private final StringBuilder report = new StringBuilder();
    private final List<Child> children = new ArrayList<>();
    private int childCount;

    private Path keysFile;
    private Path gatewayHome;
    private Path gatewayHomeJnacl;
    private Path jnaclBundle;
    private String gatewayKey;
    private String echoKey;
    private Path echoSecretFile;
    private Path pythonCerts;
    private Path gatewayHomeIsolation;
    private int keyCount;
    private NativeBuild.Programs programs;

    private SideBySide(Map<String, String> opt) throws IOException {
        this.opt = opt;
        this.work = Path.of(opt.getOrDefault("work", "bench/target/side-by-side")).toAbsolutePath();
        this.logs = work.resolve("logs");
        this.bundle = Path.of(opt.getOrDefault("bundle", "dist/target/edge-gateway")).toAbsolutePath();
        this.benchJar = Path.of(opt.getOrDefault("bench-jar", "bench/target/edge-gateway-bench-0.1.0-SNAPSHOT.jar")).toAbsolutePath();
        this.jnaclJar = Path.of(opt.getOrDefault("jnacl", System.getProperty("user.home")
                + "/.m2/repository/eu/neilalexander/jnacl/1.0.0/jnacl-1.0.0.jar")).toAbsolutePath();
        this.seconds = Integer.parseInt(opt.getOrDefault("seconds", "10"));
        this.warmup = Integer.parseInt(opt.getOrDefault("warmup", "3"));
        this.blocks = List.of(opt.getOrDefault("blocks", String.join(",", BLOCKS)).split(","));
        for (String b : blocks) {
            if (!BLOCKS.contains(b)) {
                throw new IllegalArgumentException("unknown block '" + b + "' in --blocks: use some of " + BLOCKS);
            }
        }
        String client = opt.getOrDefault("client", "c");
        if (!client.equals("c") && !client.equals("jeromq")) {
            throw new IllegalArgumentException("--client must be c or jeromq, got '" + client + "'");
        }
        this.jeromqClient = client.equals("jeromq");
        if (jeromqClient && blocks.contains("isolation")) {
            throw new IllegalArgumentException("the isolation block needs --client c (per-request time-outs and "
                    + "answer codes are the C load client's)");
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: SideBySide [--seconds 10] [--warmup 3] [--idle 10000] [--storm 2000]"
                        + " [--storm-jnacl 2000] [--blocks 1,2,3,4,storm,profile,isolation] [--work DIR] [--bundle DIR]"
                        + " [--bench-jar JAR] [--jnacl JAR] [--python /usr/bin/python3] [--node central_node.py]"
                        + " [--c-src bench/src/main/c] [--client c|jeromq] [--client-threads 1]"
                        + " [--loads 1x1,1x100,16x1,16x100] [--isolation-timeout 5000] [--isolation-env EGW_K=V,...]"
                        + " [--worker-in-flight 16] [--worker-work 2000] [--python-worker workers/examples/python/worker.py]");
                System.exit(2);
            }
            opt.put(args[i].substring(2), args[++i]);
        }
        SideBySide bench = new SideBySide(opt);
        try {
            bench.run();
        } finally {
            bench.stopAll();
        }
    }

    // ------------------------------------------------------------------ set-up

    private void run() throws Exception {
        int idle = Integer.parseInt(opt.getOrDefault("idle", "10000"));
        int storm = Integer.parseInt(opt.getOrDefault("storm", "2000"));
        int stormJnacl = Integer.parseInt(opt.getOrDefault("storm-jnacl", Integer.toString(storm)));
        keyCount = Math.max(1000, Math.max(idle, Math.max(storm, stormJnacl)));
        checkInputs();
        setUp();
        line("# Side-by-side run, " + Instant.now());
        line("");
        line("Machine: " + machine());
        line("Windows: " + warmup + " s warm-up, " + seconds + " s measured. Load average (1/5/15 min) at start: "
                + ProcStats.loadavg());
        line("Load client: " + (jeromqClient ? "JeroMQ (LoadClient, one thread per DEALER)"
                : "libzmq " + programs.zmqVersion() + " (load.c, " + clientThreads() + " thread(s) + 1 libzmq I/O thread)")
                + "; held and storm clients: JeroMQ (LoadClient).");
        line("");

        boolean messages = blocks.contains("1");
        boolean handshakes = blocks.contains("2");
        Server gateway = null;
        if (messages || handshakes || blocks.contains("4") || blocks.contains("profile") || blocks.contains("3")
                || blocks.contains("storm")) {
            gateway = startGateway("gw-standin", gatewayHome, bundle, Map.of());
        }
        Server echo = messages || handshakes || blocks.contains("4") ? startEcho("echo-standin", standInClassPath()) : null;
        Server cEcho = messages || handshakes ? startCEcho() : null;
        Server python = messages || handshakes ? startPython() : null;
        if (messages) {
            blockMessages(gateway, echo, cEcho, python);
        }
        Server gatewayJnacl = null;
        Server echoJnacl = null;
        if (handshakes || blocks.contains("4")) {
            gatewayJnacl = startGateway("gw-jnacl", gatewayHomeJnacl, jnaclBundle, Map.of());
            echoJnacl = startEcho("echo-jnacl", jnaclClassPath());
        }
        if (blocks.contains("4")) {
            blockJnaclMessages(gateway, gatewayJnacl, echo, echoJnacl);
        }
        if (handshakes) {
            blockHandshakes(List.of(gateway, gatewayJnacl, echo, echoJnacl, cEcho, python));
        }
        if (blocks.contains("profile")) {
            blockProfile(gateway);
        }
        for (Server s : java.util.Arrays.asList(python, cEcho, echo, echoJnacl)) {
            if (s != null) {
                stop(s);
            }
        }
        if (blocks.contains("3")) {
            gateway = blockIdle(gateway, idle);
        }
        if (blocks.contains("storm")) {
            if (gatewayJnacl == null) {
                gatewayJnacl = startGateway("gw-jnacl", gatewayHomeJnacl, jnaclBundle, Map.of());
            }
            if (storm > 0) {
                gateway = blockStorm(gateway, storm);
            }
            if (stormJnacl > 0) {
                gatewayJnacl = blockStorm(gatewayJnacl, stormJnacl);
            }
        }
        if (blocks.contains("workers")) {
            // the workers' gateway has the machine to itself
            for (Server s : java.util.Arrays.asList(gateway, gatewayJnacl)) {
                if (s != null) {
                    stop(s);
                }
            }
            gateway = null;
            gatewayJnacl = null;
            blockWorkers();
        }
        if (blocks.contains("isolation")) {
            // the isolation gateway has the machine to itself
            for (Server s : java.util.Arrays.asList(gateway, gatewayJnacl)) {
                if (s != null) {
                    stop(s);
                }
            }
            blockIsolation();
        }
        line("Load average at the end: " + ProcStats.loadavg());
        write();
    }

    private int clientThreads() {
        return Integer.parseInt(opt.getOrDefault("client-threads", "1"));
    }

    private void checkInputs() throws IOException, InterruptedException {
        for (Path p : List.of(bundle.resolve("bin/edge-gateway"), benchJar, jnaclJar)) {
            if (!Files.exists(p)) {
                throw new IllegalStateException("missing " + p + " (see bench/README.md for the build steps)");
            }
        }
        try (JarFile jar = new JarFile(benchJar.toFile())) {
            if (jar.getEntry("com/neilalexander/jnacl/crypto/curve25519xsalsa20poly1305.class") != null) {
                throw new IllegalStateException(benchJar + " carries NaCl classes: use the thin bench jar, not benchmarks.jar");
            }
        }
        if (blocks.contains("1") || blocks.contains("2")) {
            String python = opt.getOrDefault("python", "/usr/bin/python3");
            NativeBuild.Result r = NativeBuild.exec(List.of(python, "-c", "import zmq"), Duration.ofSeconds(60));
            if (r.exit() != 0) {
                throw new IllegalStateException(python + " cannot import zmq (install the Debian package python3-zmq, "
                        + "or pass --python): " + r.output().strip());
            }
        }
    }

    private void setUp() throws Exception {
        if (Files.exists(work)) {
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(logs);
        Path cSource = Path.of(opt.getOrDefault("c-src", "bench/src/main/c")).toAbsolutePath();
        progress("compiling the C echo server and load client from " + cSource);
        programs = NativeBuild.compile(cSource, work.resolve("bin"));
        progress("generating " + keyCount + " client key pairs");
        List<CurveKeyPair> keys = new ArrayList<>(keyCount);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < keyCount; i++) {
            CurveKeyPair k = CurveKeyPair.generate();
            keys.add(k);
            lines.append(k.publicZ85()).append(' ').append(k.secretZ85()).append('\n');
        }
        keysFile = work.resolve("clients.txt");
        Files.writeString(keysFile, lines);
        Files.setPosixFilePermissions(keysFile, PosixFilePermissions.fromString("rw-------"));

        // the gateway's home, made by its own CLI, then every key enrolled through the key store
        gatewayHome = work.resolve("gw-home");
        run(List.of(bundle.resolve("bin/edge-gateway").toString(), "--home", gatewayHome.toString(), "clients", "add",
                "bench-init", "--generate", "--out", work.resolve("init-bundle").toString()), Duration.ofSeconds(120));
        long t0 = System.nanoTime();
        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(gatewayHome.resolve("data")))) {
            for (int i = 0; i < keyCount; i++) {
                store.enrol("bench-" + i, keys.get(i).publicZ85(), "bench", "side-by-side");
            }
        }
        progress(String.format(Locale.ROOT, "enrolled %d clients in the key store in %.1f s", keyCount,
                (System.nanoTime() - t0) / 1e9));
        gatewayKey = ZMQ.Curve.z85Encode(ZCertFiles.read(gatewayHome.resolve("keys/server.key")).publicKey());
        gatewayHomeJnacl = work.resolve("gw-home-jnacl");
        copyTree(gatewayHome, gatewayHomeJnacl);
        if (blocks.contains("isolation")) {
            // a gateway of its own: its plugins fail for good during the block
            gatewayHomeIsolation = work.resolve("gw-home-isolation");
            copyTree(gatewayHome, gatewayHomeIsolation);
            for (BadPlugin p : BAD_PLUGINS) {
                BenchPlugins.zip(gatewayHomeIsolation.resolve("plugins"), p.id(), p.handler());
            }
        }

        // the same bundle with the original jnacl jar instead of the stand-in
        jnaclBundle = work.resolve("bundle-jnacl");
        copyTree(bundle, jnaclBundle);
        try (Stream<Path> lib = Files.list(jnaclBundle.resolve("lib"))) {
            for (Path jar : lib.filter(p -> p.getFileName().toString().startsWith("edge-gateway-nacl-")).toList()) {
                Files.delete(jar);
            }
        }
        Files.copy(jnaclJar, jnaclBundle.resolve("lib").resolve(jnaclJar.getFileName()));

        // echo server and python node: their own server key, the same client keys
        CurveKeyPair server = CurveKeyPair.generate();
        echoKey = server.publicZ85();
        echoSecretFile = work.resolve("echo-server.secret");
        Files.writeString(echoSecretFile, server.secretZ85());
        pythonCerts = work.resolve("python-certs");
        Files.createDirectories(pythonCerts.resolve("clients"));
        ZCertFiles.writePair(pythonCerts, "server", server, Map.of());
        int pythonKeys = Math.min(keyCount, 1000);
        for (int i = 0; i < pythonKeys; i++) {
            ZCertFiles.writePublic(pythonCerts.resolve("clients").resolve("bench-" + i + ".key"),
                    ZCert.ofPublic(keys.get(i).publicKey(), Map.of()));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private String standInClassPath() {
        return benchJar + ":" + bundle.resolve("lib") + "/*";
    }

    private String jnaclClassPath() {
        return benchJar + ":" + jnaclBundle.resolve("lib") + "/*";
    }

    private String machine() throws IOException, InterruptedException {
        String model = capture(List.of("sh", "-c", "lscpu | sed -n 's/^Model name: *//p'")).strip();
        String mem = capture(List.of("sh", "-c", "free -g | awk '/^Mem:/ {print $2}'")).strip();
        String java = capture(List.of("sh", "-c", "java -version 2>&1 | head -2 | tail -1")).strip();
        return "nproc " + Runtime.getRuntime().availableProcessors() + ", " + model + ", " + mem + " GiB RAM, " + java;
    }

    // ----------------------------------------------------------------- servers

    /** A running server: its process, endpoint and public key. */
    private record Server(String name, Child child, String endpoint, String key, Path home, Path base,
            Map<String, String> env) {
    }

    /** A misbehaving plugin of the isolation block. */
    private record BadPlugin(String type, String id, Class<?> handler) {
    }

    private Server startGateway(String name, Path home, Path base, Map<String, String> extraEnv) throws Exception {
        int port = freePort();
        Map<String, String> env = gatewayEnv("tcp://127.0.0.1:" + port);
        env.putAll(extraEnv);
        Child c = start(name, List.of(base.resolve("bin/edge-gateway").toString(), "--home", home.toString(), "run"), env);
        c.awaitLine(GATEWAY_READY, Duration.ofSeconds(90));
        checkClassPath(c, base == jnaclBundle);
        progress(name + " ready (pid " + c.pid() + ", tcp://127.0.0.1:" + port + ")");
        return new Server(name, c, "tcp://127.0.0.1:" + port, gatewayKey, home, base, extraEnv);
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

    private Server startEcho(String name, String classPath) throws Exception {
        int port = freePort();
        Child c = start(name, List.of("java", "-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.net.preferIPv4Stack=true", "-cp", classPath, EchoServer.class.getName(),
                "tcp://127.0.0.1:" + port, echoSecretFile.toString(), keysFile.toString()), Map.of());
        c.awaitLine("READY", Duration.ofSeconds(60));
        checkClassPath(c, classPath.equals(jnaclClassPath()));
        progress(name + " ready (pid " + c.pid() + ")");
        return new Server(name, c, "tcp://127.0.0.1:" + port, echoKey, null, null, Map.of());
    }

    /** The libzmq twin of the echo server: same server key, same allowed keys, same socket options. */
    private Server startCEcho() throws Exception {
        int port = freePort();
        Child c = start("c-echo", List.of(programs.echo().toString(), "tcp://127.0.0.1:" + port,
                echoSecretFile.toString(), keysFile.toString()), Map.of());
        c.awaitLine("READY", Duration.ofSeconds(60));
        progress("c-echo ready (pid " + c.pid() + ")");
        return new Server("c-echo", c, "tcp://127.0.0.1:" + port, echoKey, null, null, Map.of());
    }

    private Server startPython() throws Exception {
        int port = freePort();
        Path node = Path.of(opt.getOrDefault("node", "bench/src/main/python/central_node.py")).toAbsolutePath();
        Child c = start("pyzmq-node", List.of(opt.getOrDefault("python", "/usr/bin/python3"), node.toString(),
                "tcp://127.0.0.1:" + port, pythonCerts.resolve("server.key_secret").toString(),
                pythonCerts.resolve("clients").toString()), Map.of());
        c.awaitLine("READY", Duration.ofSeconds(60));
        progress("pyzmq-node ready (pid " + c.pid() + ")");
        return new Server("pyzmq-node", c, "tcp://127.0.0.1:" + port, echoKey, null, null, Map.of());
    }

    /** Asserts, from the running JVM's own java.class.path, which NaCl implementation it has. */
    private void checkClassPath(Child c, boolean wantJnacl) throws Exception {
        String props = ProcStats.jcmd(c.pid(), "VM.system_properties");
        String cp = props.lines().filter(l -> l.startsWith("java.class.path=")).findFirst().orElse("");
        boolean jnacl = cp.contains("jnacl-1.0.0.jar");
        boolean standIn = cp.contains("edge-gateway-nacl-");
        if (jnacl != wantJnacl || standIn == wantJnacl) {
            throw new IllegalStateException(c.name() + ": class path has jnacl=" + jnacl + " stand-in=" + standIn);
        }
    }

    private Child start(String name, List<String> command, Map<String, String> env) throws IOException {
        Child c = Child.start(name + "-" + (++childCount), command, env, logs);
        children.add(c);
        return c;
    }

    private void stop(Server s) throws InterruptedException {
        s.child().stop(Duration.ofSeconds(30));
        children.remove(s.child());
    }

    private void stopAll() {
        for (Child c : children) {
            c.close();
        }
        children.clear();
    }

    /** A JeroMQ {@link LoadClient} process: the held and storm clients, and every load with {@code --client jeromq}. */
    private Child javaClient(String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java", "-Djava.net.preferIPv4Stack=true",
                "-Dlogback.configurationFile=" + bundle.resolve("conf/logback-client.xml"),
                "-cp", standInClassPath(), LoadClient.class.getName()));
        cmd.addAll(args);
        return start(name, cmd, Map.of());
    }

    /** A load or handshake client: the C one ({@code load.c}), or LoadClient with {@code --client jeromq}. */
    private Child loadClient(String name, List<String> args, List<String> cOptions) throws IOException {
        if (jeromqClient) {
            if (!cOptions.isEmpty()) {
                throw new IllegalStateException("options " + cOptions + " need the C load client (--client c)");
            }
            return javaClient(name, args);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(programs.load().toString());
        cmd.addAll(args);
        if (args.get(0).equals("load")) {
            cmd.addAll(List.of("-j", Integer.toString(clientThreads())));
        }
        cmd.addAll(cOptions);
        return start(name, cmd, Map.of());
    }

    // --------------------------------------------------------- measurements

    /** One measured window's figures. */
    private record Window(double rate, long p50, long p95, long p99, long max, long replies, long errors,
            double serverCpuMicros, double clientCpuMicros, double serverCpuShare) {
    }

    /**
     * One load-client process of a measurement: mode ({@code load} or {@code handshake}), the
     * arguments after ENDPOINT SERVER_KEY KEYS, options of the C client, and whether it starts
     * loading at the start of the measured window instead of the start of the warm-up.
     */
    private record Load(String mode, List<String> args, List<String> options, boolean fromWindowStart) {
    }

    /** Every client's RESULT fields and CPU over the window, and the server's (-1: the process was gone). */
    private record Group(List<Map<String, String>> results, List<Long> clientCpuNanos, long serverCpuNanos,
            long wallNanos) {

        Window window(int i) {
            Map<String, String> r = results.get(i);
            long replies = num(r, "replies");
            double perReply = replies == 0 ? Double.NaN : 1.0 / replies / 1000.0;
            double server = serverCpuNanos < 0 ? Double.NaN : serverCpuNanos;
            double client = clientCpuNanos.get(i) < 0 ? Double.NaN : clientCpuNanos.get(i);
            return new Window(Double.parseDouble(r.getOrDefault("rate", "0")), num(r, "p50"), num(r, "p95"),
                    num(r, "p99"), num(r, "max"), replies, num(r, "errors") + num(r, "timeouts"),
                    server * perReply, client * perReply, server / wallNanos);
        }
    }

    /**
     * Runs one {@code load} or {@code handshake} client against {@code s}: after it has connected, a
     * warm-up, then the measured window with the server's and the client's CPU read at its edges.
     */
    private Window measure(Server s, String mode, String... args) throws Exception {
        return measureGroup(s, List.of(new Load(mode, List.of(args), List.of(), false))).window(0);
    }

    /**
     * Runs several client processes against {@code s} over the same window: all connect, then each
     * gets {@code GO START END} at the start of the warm-up (or of the window), and the server's and
     * every client's CPU is read at the window's edges.
     */
    private Group measureGroup(Server s, List<Load> loads) throws Exception {
        List<Child> clients = new ArrayList<>();
        try {
            for (Load l : loads) {
                List<String> args = new ArrayList<>(List.of(l.mode(), s.endpoint(), s.key(), keysFile.toString()));
                args.addAll(l.args());
                clients.add(loadClient("load-" + s.name(), args, l.options()));
            }
            for (Child c : clients) {
                c.awaitLine("CONNECTED", Duration.ofSeconds(120));
            }
            long start = System.currentTimeMillis() + warmup * 1000L;
            long end = start + seconds * 1000L;
            for (int i = 0; i < loads.size(); i++) {
                if (!loads.get(i).fromWindowStart()) {
                    clients.get(i).send("GO " + start + " " + end);
                }
            }
            sleepUntil(start);
            for (int i = 0; i < loads.size(); i++) {
                if (loads.get(i).fromWindowStart()) {
                    clients.get(i).send("GO " + start + " " + end);
                }
            }
            long server0 = cpuOrMinusOne(s.child());
            long[] client0 = new long[clients.size()];
            for (int i = 0; i < clients.size(); i++) {
                client0[i] = cpuOrMinusOne(clients.get(i));
            }
            long wall0 = System.nanoTime();
            sleepUntil(end);
            long server1 = cpuOrMinusOne(s.child());
            List<Long> clientCpu = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                long client1 = cpuOrMinusOne(clients.get(i));
                clientCpu.add(client0[i] < 0 || client1 < 0 ? -1 : client1 - client0[i]);
            }
            long wall1 = System.nanoTime();
            List<Map<String, String>> results = new ArrayList<>();
            for (Child c : clients) {
                results.add(parse(c.awaitLine("RESULT", Duration.ofSeconds(seconds + 90L))));
            }
            long server = server0 < 0 || server1 < 0 ? -1 : server1 - server0;
            return new Group(results, clientCpu, server, wall1 - wall0);
        } finally {
            for (Child c : clients) {
                c.stop(Duration.ofSeconds(10));
                children.remove(c);
            }
        }
    }

    /** The process's CPU time so far, or -1 when it has ended. */
    private static long cpuOrMinusOne(Child c) {
        if (!c.alive()) {
            return -1;
        }
        try {
            return ProcStats.cpuNanos(c.pid());
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    private static long num(Map<String, String> r, String key) {
        return Long.parseLong(r.getOrDefault(key, "0"));
    }

    private static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String w : line.split(" ")) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                m.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return m;
    }

    // ------------------------------------------------------------------ blocks

    /** The clients x in-flight shapes of block 1, from {@code --loads 1x1,1x100,16x1,16x100}. */
    private List<int[]> loadShapes() {
        List<int[]> shapes = new ArrayList<>();
        for (String shape : opt.getOrDefault("loads", "1x1,1x100,16x1,16x100").split(",")) {
            String[] w = shape.split("x");
            try {
                if (w.length != 2) {
                    throw new NumberFormatException(shape);
                }
                shapes.add(new int[] {Integer.parseInt(w[0]), Integer.parseInt(w[1])});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--loads takes CLIENTSxIN_FLIGHT,..., got '" + shape + "'");
            }
        }
        return shapes;
    }

    private void blockMessages(Server gateway, Server echo, Server cEcho, Server python) throws Exception {
        line("## 1. Messages: gateway, bare JeroMQ echo, bare libzmq (C) echo, pyzmq node (stand-in on the Java side)");
        line("");
        line("Load average before: " + ProcStats.loadavg());
        line("");
        line("| size | clients x in flight | server | msg/s | p50 µs | p95 µs | p99 µs | max µs | server CPU µs/msg"
                + " | server CPU (cores) | client CPU µs/msg | errors |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> ratios = new ArrayList<>();
        for (int size : new int[] {64, 1024}) {
            for (int[] shape : loadShapes()) {
                Map<String, Window> cell = new LinkedHashMap<>();
                for (Server s : List.of(gateway, echo, cEcho, python)) {
                    Window w = measure(s, "load", "0", Integer.toString(shape[0]), Integer.toString(shape[1]),
                            Integer.toString(size));
                    cell.put(s.name(), w);
                    row(size, shape[0] + " x " + shape[1], s.name(), w);
                }
                Window g = cell.get(gateway.name());
                Window e = cell.get(echo.name());
                Window c = cell.get(cEcho.name());
                Window p = cell.get(python.name());
                ratios.add(String.format(Locale.ROOT,
                        "| %d B | %d x %d | %.2f | %.2f | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f |",
                        size, shape[0], shape[1], g.rate() / e.rate(), g.rate() / c.rate(), g.rate() / p.rate(),
                        g.serverCpuMicros() / e.serverCpuMicros(), g.serverCpuMicros() / c.serverCpuMicros(),
                        g.serverCpuMicros() / p.serverCpuMicros(), (double) g.p99() / e.p99(),
                        (double) g.p99() / c.p99()));
            }
        }
        line("");
        line("Ratios, gateway / the others (" + echo.name() + " = the JeroMQ echo, " + cEcho.name()
                + " = the libzmq echo):");
        line("");
        line("| size | clients x in flight | msg/s gw/JeroMQ-echo | msg/s gw/C-echo | msg/s gw/pyzmq"
                + " | CPU/msg gw/JeroMQ-echo | CPU/msg gw/C-echo | CPU/msg gw/pyzmq | p99 gw/JeroMQ-echo | p99 gw/C-echo |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        ratios.forEach(this::line);
        line("");
        line("Load average after: " + ProcStats.loadavg());
        line("");
        write();
    }

    private void row(int size, String shape, String server, Window w) {
        line(String.format(Locale.ROOT, "| %d B | %s | %s | %,.0f | %d | %d | %d | %d | %.1f | %.2f | %.1f | %d |",
                size, shape, server, w.rate(), w.p50(), w.p95(), w.p99(), w.max(), w.serverCpuMicros(),
                w.serverCpuShare(), w.clientCpuMicros(), w.errors()));
    }

    private void blockJnaclMessages(Server gateway, Server gatewayJnacl, Server echo, Server echoJnacl) throws Exception {
        line("## 4a. jnacl vs the stand-in: messages, 16 clients x 100 in flight");
        line("");
        line("Load average before: " + ProcStats.loadavg());
        line("");
        line("| size | server | msg/s | p50 µs | p99 µs | server CPU µs/msg | server CPU (cores) | client CPU µs/msg | errors |");
        line("|---|---|---|---|---|---|---|---|---|");
        for (int size : new int[] {64, 1024}) {
            for (Server s : List.of(gateway, gatewayJnacl, echo, echoJnacl)) {
                Window w = measure(s, "load", "0", "16", "100", Integer.toString(size));
                line(String.format(Locale.ROOT, "| %d B | %s | %,.0f | %d | %d | %.1f | %.2f | %.1f | %d |", size, s.name(),
                        w.rate(), w.p50(), w.p99(), w.serverCpuMicros(), w.serverCpuShare(), w.clientCpuMicros(), w.errors()));
            }
        }
        line("");
        line("Load average after: " + ProcStats.loadavg());
        line("");
        write();
    }

    private void blockHandshakes(List<Server> servers) throws Exception {
        int concurrency = Integer.parseInt(opt.getOrDefault("handshake-concurrency", "8"));
        line("## 2. CURVE handshakes per second (short-lived clients)");
        line("");
        line("Each of " + concurrency + " client threads in one process, again and again: a new DEALER with the next of "
                + "1,000 enrolled keys, connect, one STRING message, its ACK, close. Only connections answered inside "
                + "the window count.");
        line("");
        line("Load average before: " + ProcStats.loadavg());
        line("");
        line("| server | handshakes/s | connect-to-ACK p50 ms | p99 ms | server CPU ms/handshake | server CPU (cores)"
                + " | client CPU ms/handshake | failed |");
        line("|---|---|---|---|---|---|---|---|");
        for (Server s : servers) {
            Window w = measure(s, "handshake", "0", "1000", Integer.toString(concurrency));
            line(String.format(Locale.ROOT, "| %s | %,.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |", s.name(), w.rate(),
                    w.p50() / 1000.0, w.p99() / 1000.0, w.serverCpuMicros() / 1000.0, w.serverCpuShare(),
                    w.clientCpuMicros() / 1000.0, w.errors()));
        }
        line("");
        line("Load average after: " + ProcStats.loadavg());
        line("");
        write();
    }

    /** Opens {@code count} held clients in processes of at most 2,500, waits until all answered once. */
    private List<Child> hold(Server s, int count, String label) throws Exception {
        int perProcess = 2500;
        List<Child> holders = new ArrayList<>();
        for (int offset = 0; offset < count; offset += perProcess) {
            int n = Math.min(perProcess, count - offset);
            holders.add(javaClient("hold-" + label, List.of("hold", s.endpoint(), s.key(), keysFile.toString(),
                    Integer.toString(offset), Integer.toString(n))));
        }
        return holders;
    }

    private static long sumOk(List<String> lines) {
        return lines.stream().mapToLong(l -> num(parse(l), "ok")).sum();
    }

    private Server blockIdle(Server gateway, int count) throws Exception {
        line("## 3. Idle authenticated clients held by the gateway (stand-in)");
        line("");
        line("Load average before: " + ProcStats.loadavg());
        line("");
        long pid = gateway.child().pid();
        long heap0 = ProcStats.heapUsedAfterGcKib(pid);
        long rss0 = ProcStats.rssKib(pid);
        long t0 = System.currentTimeMillis();
        List<Child> holders = hold(gateway, count, "idle");
        try {
            List<String> held = new ArrayList<>();
            for (Child h : holders) {
                held.add(h.awaitLine("HELD", Duration.ofSeconds(400)));
            }
            long heldMs = System.currentTimeMillis() - t0;
            long ok = sumOk(held);
            progress("idle: " + ok + " of " + count + " answered once after " + heldMs + " ms");
            Thread.sleep(20_000); // past the heartbeat time-out: the connections must survive idle
            long cpu0 = ProcStats.cpuNanos(pid);
            Thread.sleep(10_000);
            long idleCpu = ProcStats.cpuNanos(pid) - cpu0;
            long heap1 = ProcStats.heapUsedAfterGcKib(pid);
            long rss1 = ProcStats.rssKib(pid);
            long probeStart = System.currentTimeMillis();
            List<String> probed = new ArrayList<>();
            for (Child h : holders) {
                h.send("PROBE " + probeStart + " 120000");
            }
            for (Child h : holders) {
                probed.add(h.awaitLine("PROBED", Duration.ofSeconds(200)));
            }
            long alive = sumOk(probed);
            line(String.format(Locale.ROOT, "* clients opened: %,d (in %d processes of at most 2,500 DEALERs, SDK-like "
                    + "reconnect 100 ms to 10 s, handshake time limit 5 s); answered once: %,d after %.1f s", count,
                    holders.size(), ok, heldMs / 1000.0));
            line(String.format(Locale.ROOT, "* still connected and answering after 30 s idle (past the 15 s heartbeat "
                    + "time-out): %,d of %,d (one more message each, all answered within %s)", alive, count,
                    probed.stream().map(l -> parse(l).get("last_ms") + " ms").toList()));
            line(String.format(Locale.ROOT, "* gateway heap after full GC: %,d KiB before, %,d KiB with the clients: "
                    + "%.1f KiB per client", heap0, heap1, (heap1 - heap0) / (double) Math.max(1, ok)));
            line(String.format(Locale.ROOT, "* gateway RSS: %,d KiB before, %,d KiB with the clients: %.1f KiB per client",
                    rss0, rss1, (rss1 - rss0) / (double) Math.max(1, ok)));
            line(String.format(Locale.ROOT, "* gateway CPU while they idle (10 s, heartbeats only): %.3f cores",
                    idleCpu / 1e10));
            line("* load average after: " + ProcStats.loadavg());
            line("");
            for (Child h : holders) {
                h.send("QUIT");
            }
        } finally {
            for (Child h : holders) {
                h.stop(Duration.ofSeconds(30));
                children.remove(h);
            }
        }
        write();
        return gateway;
    }

    private Server blockStorm(Server gateway, int count) throws Exception {
        line("## 4b. Reconnect storm: " + gateway.name() + ", " + String.format(Locale.ROOT, "%,d", count) + " clients");
        line("");
        line("Load average before: " + ProcStats.loadavg());
        line("");
        long t0 = System.currentTimeMillis();
        List<Child> holders = hold(gateway, count, "storm");
        Server restarted = gateway;
        try {
            List<String> held = new ArrayList<>();
            for (Child h : holders) {
                held.add(h.awaitLine("HELD", Duration.ofSeconds(400)));
            }
            long ok = sumOk(held);
            line(String.format(Locale.ROOT, "* connected first: %,d of %,d in %.1f s (100 at a time, each hundred "
                    + "answered before the next)", ok, count, (System.currentTimeMillis() - t0) / 1000.0));
            stop(gateway);
            long launch = System.currentTimeMillis();
            restarted = restartGateway(gateway);
            long ready = System.currentTimeMillis();
            for (Child h : holders) {
                h.send("PROBE " + launch + " " + opt.getOrDefault("storm-timeout", "180000"));
            }
            List<String> probed = new ArrayList<>();
            for (Child h : holders) {
                probed.add(h.awaitLine("PROBED", Duration.ofSeconds(400)));
            }
            long back = sumOk(probed);
            long last = probed.stream().mapToLong(l -> num(parse(l), "last_ms")).max().orElse(-1);
            long cpu = ProcStats.cpuNanos(restarted.child().pid());
            line(String.format(Locale.ROOT, "* gateway stopped (SIGTERM), relaunched: ready %.1f s after launch", (ready - launch) / 1000.0));
            line(String.format(Locale.ROOT, "* back (a message answered on the restored connection): %,d of %,d; the "
                    + "last %.1f s after the launch (per holder process p50/p90/p99/last ms: %s)", back, count,
                    last / 1000.0, probed.stream().map(l -> {
                        Map<String, String> r = parse(l);
                        return r.get("p50_ms") + "/" + r.get("p90_ms") + "/" + r.get("p99_ms") + "/" + r.get("last_ms");
                    }).toList()));
            line(String.format(Locale.ROOT, "* new gateway process CPU from launch to all back: %.1f s", cpu / 1e9));
            line("* load average after: " + ProcStats.loadavg());
            line("");
            for (Child h : holders) {
                h.send("QUIT");
            }
        } finally {
            for (Child h : holders) {
                h.stop(Duration.ofSeconds(30));
                children.remove(h);
            }
        }
        write();
        return restarted;
    }

    private Server restartGateway(Server old) throws Exception {
        Map<String, String> env = gatewayEnv(old.endpoint());
        env.putAll(old.env());
        Child c = start(old.name(), List.of(old.base().resolve("bin/edge-gateway").toString(), "--home",
                old.home().toString(), "run"), env);
        c.awaitLine(GATEWAY_READY, Duration.ofSeconds(90));
        return new Server(old.name(), c, old.endpoint(), old.key(), old.home(), old.base(), old.env());
    }

    private void blockProfile(Server gateway) throws Exception {
        line("## Profile: where the gateway's CPU goes (stand-in, JFR)");
        line("");
        line("Recorded with `jcmd PID JFR.start settings=profile` over a measured window of its own (the figures of "
                + "that window are not used above). Shares of the gateway's CPU samples.");
        line("");
        long pid = gateway.child().pid();
        String[][] runs = {{"load", "0", "1", "1", "64"}, {"load", "0", "16", "100", "64"},
            {"load", "0", "16", "100", "1024"}, {"handshake", "0", "1000", "8"}};
        for (String[] run : runs) {
            String label = String.join("-", run);
            Path jfr = work.resolve("gw-" + label + ".jfr");
            String[] args = java.util.Arrays.copyOfRange(run, 1, run.length);
            ProcStats.jcmd(pid, "JFR.start", "name=bench", "settings=profile", "filename=" + jfr);
            Window w = measure(gateway, run[0], args);
            ProcStats.jcmd(pid, "JFR.stop", "name=bench");
            line("### " + (run[0].equals("load") ? run[4] + " B, " + run[2] + " client(s) x " + run[3] + " in flight"
                    : "handshakes, 8 at a time"));
            line("");
            line(String.format(Locale.ROOT, "(under JFR: %,.0f/s, server CPU %.1f µs each)", w.rate(), w.serverCpuMicros()));
            line("");
            line(JfrSummary.summarise(jfr, 12));
        }
        write();
    }

    /**
     * The same work through an external worker and through a plugin (the STRING plugin and a Java
     * worker that checks UTF-8 the same way), then a CPU-bound Python handler served by 1, 2 and 4
     * pyzmq workers (workers/examples/python/worker.py).
     */
    private void blockWorkers() throws Exception {
        line("## Workers: a message type served by an external worker beside the same work in a plugin");
        line("");
        Path home = work.resolve("gw-home-workers");
        copyTree(gatewayHome, home);
        String workers = "tcp://127.0.0.1:" + freePort();
        String credit = opt.getOrDefault("worker-in-flight", "16");
        line("Worker credit (`workers.max-in-flight`): " + credit + " requests per worker.");
        line("");
        Server gw = startGateway("gw-workers", home, bundle, Map.of("EGW_WORKERS_ENDPOINT", workers,
                "EGW_WORKERS_TIMEOUT", "30s", "EGW_WORKERS_MAX_IN_FLIGHT", credit));
        Path bundles = work.resolve("worker-bundles");
        List<String> names = List.of("w-java", "w-py-1", "w-py-2", "w-py-3", "w-py-4");
        for (String name : names) {
            run(List.of(bundle.resolve("bin/edge-gateway").toString(), "--home", home.toString(), "workers", "add", name,
                    "--generate", "--out", bundles.resolve(name).toString()), Duration.ofSeconds(120));
        }
        Child javaWorker = start("w-java", List.of("java", "-Xmx256m", "-Djava.net.preferIPv4Stack=true",
                "-Dlogback.configurationFile=" + bundle.resolve("conf/logback-client.xml"), "-cp", standInClassPath(),
                BenchWorker.class.getName(), bundles.resolve("w-java").toString(), "w-java", "WSTRING"), Map.of());
        javaWorker.awaitLine("READY", Duration.ofSeconds(90));
        line("Load average before: " + ProcStats.loadavg());
        line("");
        line("| path | clients x in flight | msg/s | p50 µs | p99 µs | gateway CPU µs/msg | worker CPU µs/msg | errors |");
        line("|---|---|---|---|---|---|---|---|");
        List<String> ratios = new ArrayList<>();
        for (int[] shape : new int[][] {{16, 100}, {16, 1}, {1, 1}}) {
            Window plugin = measureGroup(gw, List.of(new Load("load", List.of("0", Integer.toString(shape[0]),
                    Integer.toString(shape[1]), "64"), List.of("-t", "STRING"), false))).window(0);
            long w0 = cpuOrMinusOne(javaWorker);
            Window worker = measureGroup(gw, List.of(new Load("load", List.of("0", Integer.toString(shape[0]),
                    Integer.toString(shape[1]), "64"), List.of("-t", "WSTRING"), false))).window(0);
            long w1 = cpuOrMinusOne(javaWorker);
            String load = shape[0] + " x " + shape[1];
            line(String.format(Locale.ROOT, "| STRING plugin | %s | %,.0f | %d | %d | %.1f | - | %d |", load,
                    plugin.rate(), plugin.p50(), plugin.p99(), plugin.serverCpuMicros(), plugin.errors()));
            // The worker's CPU is read around the whole measurement (connect and warm-up included): an upper bound.
            double workerMicros = w0 < 0 || w1 < 0 || worker.replies() == 0 ? Double.NaN
                    : (w1 - w0) / 1000.0 / (worker.replies() * (double) (warmup + seconds) / seconds);
            line(String.format(Locale.ROOT, "| Java worker (WSTRING) | %s | %,.0f | %d | %d | %.1f | %.1f | %d |", load,
                    worker.rate(), worker.p50(), worker.p99(), worker.serverCpuMicros(), workerMicros, worker.errors()));
            ratios.add(String.format(Locale.ROOT, "%s: gateway CPU/msg worker/plugin %.2f, msg/s %.2f, p99 %.2f", load,
                    worker.serverCpuMicros() / plugin.serverCpuMicros(), worker.rate() / plugin.rate(),
                    (double) worker.p99() / plugin.p99()));
        }
        line("");
        ratios.forEach(r -> line("- " + r));
        line("");
        stopChild(javaWorker);

        int work = Integer.parseInt(opt.getOrDefault("worker-work", "2000"));
        Path script = Path.of(opt.getOrDefault("python-worker", "workers/examples/python/worker.py")).toAbsolutePath();
        line("A CPU-bound Python handler (" + work + " rounds of SHA-256 per message, " + script.getFileName()
                + "), 16 clients x 16 in flight, 64 B, by the number of pyzmq workers ("
                + Runtime.getRuntime().availableProcessors() + " cores):");
        line("");
        line("| workers | msg/s | speed-up | p50 µs | p99 µs | gateway CPU µs/msg | errors |");
        line("|---|---|---|---|---|---|---|");
        double one = Double.NaN;
        for (int n : new int[] {1, 2, 4}) {
            List<Child> py = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                Child c = start("w-py-" + i, List.of(opt.getOrDefault("python", "/usr/bin/python3"), script.toString(),
                        bundles.resolve("w-py-" + i).toString(), "w-py-" + i, "PYWORK", Integer.toString(work)), Map.of());
                c.awaitLine("ready", Duration.ofSeconds(60));
                py.add(c);
            }
            Window w = measureGroup(gw, List.of(new Load("load", List.of("0", "16", "16", "64"),
                    List.of("-t", "PYWORK", "-T", "30000"), false))).window(0);
            if (n == 1) {
                one = w.rate();
            }
            line(String.format(Locale.ROOT, "| %d | %,.0f | %.2f | %d | %d | %.1f | %d |", n, w.rate(), w.rate() / one,
                    w.p50(), w.p99(), w.serverCpuMicros(), w.errors()));
            for (Child c : py) {
                stopChild(c);
            }
        }
        line("");
        stop(gw);
        write();
    }

    private void stopChild(Child c) throws InterruptedException {
        c.stop(Duration.ofSeconds(10));
        children.remove(c);
    }

    private void blockIsolation() throws Exception {
        String timeout = opt.getOrDefault("isolation-timeout", "5000");
        line("## Isolation: STRING clients next to misbehaving plugins (gateway, stand-in)");
        line("");
        line("A gateway of its own (`gw-isolation`: `EGW_PLUGINS_ALLOW_UNSIGNED=true`, the shipped `plugins.*` "
                + "limits) with four unsigned plugins in its home's `plugins/`: SLOW (sleeps 200 ms, then ACK), HANG "
                + "(never returns, ignores interruption), THROW (always throws), HOG (allocates 1 MiB blocks and keeps "
                + "them, without end). A: 16 clients x 100 in flight of STRING 64 B alone. B: the same, plus 4 clients "
                + "x 1 in flight of each bad type (64 B), one load-client process per type, sending from the start of "
                + "the measured window to its end, each client at most " + (1000 / BAD_INTERVAL_MS) + " messages a "
                + "second (`-i " + BAD_INTERVAL_MS + "`: sensors, not flooders; once a plugin is failed its clients get "
                + "UNKNOWN_TYPE at once and would otherwise loop on it). A request unanswered " + timeout + " ms after "
                + "it was sent counts as no answer.");
        line("");
        line("Load average before: " + ProcStats.loadavg());
        line("");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("EGW_PLUGINS_ALLOW_UNSIGNED", "true");
        for (String pair : opt.getOrDefault("isolation-env", "").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || !kv[0].startsWith("EGW_")) {
                throw new IllegalArgumentException("--isolation-env takes EGW_KEY=VALUE,..., got '" + pair + "'");
            }
            env.put(kv[0], kv[1]);
        }
        if (env.size() > 1) {
            line("Extra environment of this gateway (--isolation-env): " + env);
            line("");
        }
        Server gw = startGateway("gw-isolation", gatewayHomeIsolation, bundle, env);
        try {
            PluginList before = PluginList.read(bundle, gatewayHomeIsolation);
            for (BadPlugin p : BAD_PLUGINS) {
                if (!before.state(p.id()).equals("started")) {
                    progress("warning: " + p.id() + " is " + before.describe(p.id()) + " before phase A");
                }
            }
            Load string = new Load("load", List.of("0", "16", "100", "64"), List.of("-T", timeout), false);
            progress("isolation A: STRING alone");
            Group a = measureGroup(gw, List.of(string));
            List<Load> loads = new ArrayList<>(List.of(string));
            for (int i = 0; i < BAD_PLUGINS.size(); i++) {
                // keys 16.. : each bad client its own enrolled key, none shared with the STRING clients
                loads.add(new Load("load", List.of(Integer.toString(16 + 4 * i), "4", "1", "64"),
                        List.of("-t", BAD_PLUGINS.get(i).type(), "-T", timeout, "-i", Integer.toString(BAD_INTERVAL_MS)),
                        true));
            }
            progress("isolation B: STRING next to " + BAD_PLUGINS.stream().map(BadPlugin::type).toList());
            Group b = measureGroup(gw, loads);
            boolean alive = gw.child().alive();
            PluginList after = alive ? PluginList.read(bundle, gatewayHomeIsolation) : null;
            reportIsolation(gw, timeout, a, b, before, after);
        } finally {
            stop(gw);
        }
        line("Load average after: " + ProcStats.loadavg());
        line("");
        write();
    }

    private void reportIsolation(Server gw, String timeout, Group a, Group b, PluginList before, PluginList after)
            throws IOException {
        Window wa = a.window(0);
        Window wb = b.window(0);
        line("STRING clients (16 x 100, 64 B):");
        line("");
        line("| phase | msg/s | p50 µs | p99 µs | max µs | errors | no answer | gateway CPU (cores) | non-ACK answers in the window |");
        line("|---|---|---|---|---|---|---|---|---|");
        Group[] groups = {a, b};
        String[] names = {"A: STRING alone", "B: next to SLOW, HANG, THROW, HOG"};
        for (int i = 0; i < 2; i++) {
            Window w = groups[i].window(0);
            Map<String, String> r = groups[i].results().get(0);
            line(String.format(Locale.ROOT, "| %s | %,.0f | %d | %d | %d | %d | %d | %.2f | %s |", names[i], w.rate(),
                    w.p50(), w.p99(), w.max(), num(r, "errors"), num(r, "run_timeouts"), w.serverCpuShare(),
                    AnswerCodes.of(r).others(Set.of("ACK"), true)));
        }
        line("");
        double rateRatio = wb.rate() / wa.rate();
        double p99Ratio = (double) wb.p99() / wa.p99();
        long unanswered = num(b.results().get(0), "run_timeouts");
        // a p99 over the answers that came says nothing of the requests that never got one
        boolean p99Met = p99Ratio <= 2.0 && unanswered == 0;
        line(String.format(Locale.ROOT, "B / A: throughput %.2f (target >= 0.90: %s); p99 %.2fx%s (target <= 2x: %s)",
                rateRatio, rateRatio >= 0.90 ? "met" : "**missed**", p99Ratio,
                unanswered == 0 ? "" : String.format(Locale.ROOT, " of the answers that came, %,d STRING requests "
                        + "without an answer", unanswered), p99Met ? "met" : "**missed**"));
        line("");
        line("Clients of the bad types (4 x 1 in flight each; answers from the start of the window until every request "
                + "was answered or past its " + timeout + " ms limit; each cell: count (max latency µs)):");
        line("");
        line("| type | sent | answers | ACK | HANDLER_FAILED | BUSY | other | no answer | answers in the window/s"
                + " | plugin before A | plugin after B | shown as failed |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < BAD_PLUGINS.size(); i++) {
            BadPlugin p = BAD_PLUGINS.get(i);
            Map<String, String> r = b.results().get(i + 1);
            AnswerCodes codes = AnswerCodes.of(r);
            String state = after == null ? "(gateway gone)" : after.describe(p.id());
            String failed = after == null ? "gateway gone" : after.state(p.id()).equals("failed") ? "yes" : "no";
            line(String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %s | %s | %s | %,d | %,.0f | %s | %s | %s |",
                    p.type(), num(r, "sent"), num(r, "total"), codes.cell("ACK"), codes.cell("HANDLER_FAILED"),
                    codes.cell("BUSY"), codes.others(Set.of("ACK", "HANDLER_FAILED", "BUSY"), false),
                    num(r, "run_timeouts"), Double.parseDouble(r.getOrDefault("rate", "0")), before.describe(p.id()),
                    state, failed));
        }
        line("");
        if (after == null) {
            line("**The gateway process ended during phase B** (exit " + gw.child().exitStatus() + "); the last lines of "
                    + "its output (" + gw.child().name() + ".out and .err in the logs folder):");
            line("");
            line("```");
            tail(logs.resolve(gw.child().name() + ".out"), 3).forEach(this::line);
            tail(logs.resolve(gw.child().name() + ".err"), 3).forEach(this::line);
            line("```");
        } else {
            line("`bin/edge-gateway --home gw-home-isolation plugins list` after B (exit " + after.exit() + "):");
            line("");
            line("```");
            line(after.text().stripTrailing());
            line("```");
        }
        line("");
        List<String> logged = gatewayWarnings(gw.child(), BAD_PLUGINS.stream().map(BadPlugin::id).toList());
        line("Gateway log, WARN/ERROR lines naming a bench plugin: " + logged.size()
                + (logged.isEmpty() ? "." : " (the first " + Math.min(20, logged.size()) + "):"));
        if (!logged.isEmpty()) {
            line("");
            line("```");
            logged.stream().limit(20).map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l).forEach(this::line);
            line("```");
        }
        line("");
    }

    /** The last {@code count} lines of {@code file}, each cut to 300 characters. */
    private static List<String> tail(Path file, int count) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> all = readLines(file);
        return all.subList(Math.max(0, all.size() - count), all.size()).stream()
                .map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l).toList();
    }

    /** The gateway's standard output lines at WARN or ERROR that name one of {@code ids}. */
    private List<String> gatewayWarnings(Child gateway, List<String> ids) throws IOException {
        Path out = logs.resolve(gateway.name() + ".out");
        if (!Files.exists(out)) {
            return List.of();
        }
        return readLines(out).stream()
                .filter(l -> (l.contains(" WARN ") || l.contains(" ERROR ")) && ids.stream().anyMatch(l::contains))
                .toList();
    }

    /** A log's lines; bytes that are not UTF-8 are replaced, not refused. */
    private static List<String> readLines(Path file) throws IOException {
        return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }

    // ---------------------------------------------------------------- helpers

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long left;
        while ((left = epochMillis - System.currentTimeMillis()) > 0) {
            Thread.sleep(Math.min(left, 1000));
        }
    }

    private void run(List<String> command, Duration timeout) throws Exception {
        Child c = start("setup", command, Map.of());
        c.awaitLine("bundle written", timeout);
        c.stop(Duration.ofSeconds(30));
        children.remove(c);
    }

    private static String capture(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private void line(String text) {
        report.append(text).append('\n');
        System.out.println(text);
        System.out.flush();
    }

    private void progress(String text) {
        System.err.println("[" + Instant.now() + "] " + text);
    }

    private void write() throws IOException {
        Files.writeString(work.resolve("results.md"), report);
    }
}
