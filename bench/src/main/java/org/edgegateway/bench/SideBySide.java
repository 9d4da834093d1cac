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
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.zeromq.ZMQ;

/**
 * The side-by-side benchmark, run by hand: the gateway bundle, a bare JeroMQ CURVE echo server
 * ({@link EchoServer}) and a seed-style pyzmq central node ({@code bench/src/main/python/central_node.py}),
 * each its own OS process on 127.0.0.1, loaded by the same {@link LoadClient} processes, with the
 * servers' CPU time read from {@code /proc/PID/stat} over each measured window. The gateway and the
 * echo server run once with the BouncyCastle stand-in ({@code lib/edge-gateway-nacl-*.jar}) and once
 * with the original jnacl jar in its place. Blocks:
 *
 * <ol>
 * <li>messages: 64 B and 1 KiB, 1 and 16 clients, 1 and 100 in flight, gateway / echo / pyzmq in turn;</li>
 * <li>CURVE handshakes per second (short-lived clients: connect, one message, close);</li>
 * <li>idle authenticated clients held by the gateway, with its heap and RSS per client;</li>
 * <li>jnacl vs the stand-in: messages (16 x 100), handshakes (from block 2) and a reconnect storm
 * after a gateway restart.</li>
 * </ol>
 *
 * Results go to {@code WORK/results.md} and standard output (this is a command-line tool); the logs of
 * every process to {@code WORK/logs}. Not thread-safe: one run per JVM. See {@code bench/README.md}.
 */
public final class SideBySide {
    private static final String GATEWAY_READY = "gateway: running";

    private final Map<String, String> opt;
    private final Path work;
    private final Path logs;
    private final Path bundle;
    private final Path benchJar;
    private final Path jnaclJar;
    private final int seconds;
    private final int warmup;
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
    private int keyCount;

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
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: SideBySide [--seconds 10] [--warmup 3] [--idle 10000] [--storm 2000]"
                        + " [--storm-jnacl 2000] [--blocks 1,2,3,4,storm,profile] [--work DIR] [--bundle DIR] [--bench-jar JAR]"
                        + " [--jnacl JAR] [--python /usr/bin/python3] [--node central_node.py]");
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
        List<String> blocks = List.of(opt.getOrDefault("blocks", "1,2,3,4,storm,profile").split(","));
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
        line("");

        Server gateway = startGateway("gw-standin", gatewayHome, bundle);
        Server echo = startEcho("echo-standin", standInClassPath());
        Server python = startPython();
        if (blocks.contains("1")) {
            blockMessages(gateway, echo, python);
        }
        Server gatewayJnacl = null;
        Server echoJnacl = null;
        if (blocks.contains("2") || blocks.contains("4")) {
            gatewayJnacl = startGateway("gw-jnacl", gatewayHomeJnacl, jnaclBundle);
            echoJnacl = startEcho("echo-jnacl", jnaclClassPath());
        }
        if (blocks.contains("4")) {
            blockJnaclMessages(gateway, gatewayJnacl, echo, echoJnacl);
        }
        if (blocks.contains("2")) {
            blockHandshakes(List.of(gateway, gatewayJnacl, echo, echoJnacl, python));
        }
        if (blocks.contains("profile")) {
            blockProfile(gateway);
        }
        stop(python);
        stop(echo);
        if (echoJnacl != null) {
            stop(echoJnacl);
        }
        if (blocks.contains("3")) {
            gateway = blockIdle(gateway, idle);
        }
        if (blocks.contains("storm")) {
            if (gatewayJnacl == null) {
                gatewayJnacl = startGateway("gw-jnacl", gatewayHomeJnacl, jnaclBundle);
            }
            if (storm > 0) {
                gateway = blockStorm(gateway, storm);
            }
            if (stormJnacl > 0) {
                gatewayJnacl = blockStorm(gatewayJnacl, stormJnacl);
            }
        }
        line("Load average at the end: " + ProcStats.loadavg());
        write();
    }

    private void checkInputs() throws IOException {
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
    }

    private void setUp() throws Exception {
        if (Files.exists(work)) {
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(logs);
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
    private record Server(String name, Child child, String endpoint, String key, Path home, Path base) {
    }

    private Server startGateway(String name, Path home, Path base) throws Exception {
        int port = freePort();
        Map<String, String> env = gatewayEnv("tcp://127.0.0.1:" + port);
        Child c = start(name, List.of(base.resolve("bin/edge-gateway").toString(), "--home", home.toString(), "run"), env);
        c.awaitLine(GATEWAY_READY, Duration.ofSeconds(90));
        checkClassPath(c, base == jnaclBundle);
        progress(name + " ready (pid " + c.pid() + ", tcp://127.0.0.1:" + port + ")");
        return new Server(name, c, "tcp://127.0.0.1:" + port, gatewayKey, home, base);
    }

    private static Map<String, String> gatewayEnv(String endpoint) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("EGW_GATEWAY_ENDPOINT", endpoint);
        env.put("EGW_ADMIN_PORT", "0");
        // two gateways run at once: each its own publisher port too
        env.put("EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + freePort());
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
        return new Server(name, c, "tcp://127.0.0.1:" + port, echoKey, null, null);
    }

    private Server startPython() throws Exception {
        int port = freePort();
        Path node = Path.of(opt.getOrDefault("node", "bench/src/main/python/central_node.py")).toAbsolutePath();
        Child c = start("pyzmq-node", List.of(opt.getOrDefault("python", "/usr/bin/python3"), node.toString(),
                "tcp://127.0.0.1:" + port, pythonCerts.resolve("server.key_secret").toString(),
                pythonCerts.resolve("clients").toString()), Map.of());
        c.awaitLine("READY", Duration.ofSeconds(60));
        progress("pyzmq-node ready (pid " + c.pid() + ")");
        return new Server("pyzmq-node", c, "tcp://127.0.0.1:" + port, echoKey, null, null);
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

    private Child loadClient(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java", "-Djava.net.preferIPv4Stack=true",
                "-Dlogback.configurationFile=" + bundle.resolve("conf/logback-client.xml"),
                "-cp", standInClassPath(), LoadClient.class.getName()));
        cmd.addAll(List.of(args));
        return start(name, cmd, Map.of());
    }

    // --------------------------------------------------------- measurements

    /** One measured window's figures. */
    private record Window(double rate, long p50, long p95, long p99, long max, long replies, long errors,
            double serverCpuMicros, double clientCpuMicros, double serverCpuShare) {
    }

    /**
     * Runs a {@code load} or {@code handshake} client against {@code s}: after it has connected, a
     * warm-up, then the measured window with the server's and the client's CPU read at its edges.
     */
    private Window measure(Server s, String mode, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(mode, s.endpoint(), s.key(), keysFile.toString()));
        all.addAll(List.of(args));
        Child client = loadClient("load-" + s.name(), all.toArray(String[]::new));
        try {
            client.awaitLine("CONNECTED", Duration.ofSeconds(120));
            long start = System.currentTimeMillis() + warmup * 1000L;
            long end = start + seconds * 1000L;
            client.send("GO " + start + " " + end);
            sleepUntil(start);
            long server0 = ProcStats.cpuNanos(s.child().pid());
            long client0 = ProcStats.cpuNanos(client.pid());
            long wall0 = System.nanoTime();
            sleepUntil(end);
            long server1 = ProcStats.cpuNanos(s.child().pid());
            long client1 = ProcStats.cpuNanos(client.pid());
            long wall1 = System.nanoTime();
            String result = client.awaitLine("RESULT", Duration.ofSeconds(seconds + 90L));
            Map<String, String> r = parse(result);
            long replies = Long.parseLong(r.getOrDefault("replies", "0"));
            double perReply = replies == 0 ? Double.NaN : 1.0 / replies / 1000.0;
            return new Window(Double.parseDouble(r.getOrDefault("rate", "0")), num(r, "p50"), num(r, "p95"),
                    num(r, "p99"), num(r, "max"), replies, num(r, "errors") + num(r, "timeouts"),
                    (server1 - server0) * perReply, (client1 - client0) * perReply,
                    (server1 - server0) / (double) (wall1 - wall0));
        } finally {
            client.stop(Duration.ofSeconds(10));
            children.remove(client);
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

    private void blockMessages(Server gateway, Server echo, Server python) throws Exception {
        line("## 1. Messages: gateway, bare JeroMQ echo, pyzmq node (stand-in on the Java side)");
        line("");
        line("Load average before: " + ProcStats.loadavg());
        line("");
        line("| size | clients x in flight | server | msg/s | p50 µs | p95 µs | p99 µs | max µs | server CPU µs/msg"
                + " | server CPU (cores) | client CPU µs/msg | errors |");
        line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> ratios = new ArrayList<>();
        for (int size : new int[] {64, 1024}) {
            for (int clients : new int[] {1, 16}) {
                for (int window : new int[] {1, 100}) {
                    Map<String, Window> cell = new LinkedHashMap<>();
                    for (Server s : List.of(gateway, echo, python)) {
                        Window w = measure(s, "load", "0", Integer.toString(clients), Integer.toString(window),
                                Integer.toString(size));
                        cell.put(s.name(), w);
                        row(size, clients + " x " + window, s.name(), w);
                    }
                    Window g = cell.get(gateway.name());
                    Window e = cell.get(echo.name());
                    Window p = cell.get(python.name());
                    ratios.add(String.format(Locale.ROOT,
                            "| %d B | %d x %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |",
                            size, clients, window, g.rate() / e.rate(), g.rate() / p.rate(),
                            g.serverCpuMicros() / e.serverCpuMicros(), g.serverCpuMicros() / p.serverCpuMicros(),
                            (double) g.p50() / e.p50(), (double) g.p99() / e.p99(), (double) g.p99() / p.p99()));
                }
            }
        }
        line("");
        line("Ratios (gateway / echo, gateway / pyzmq):");
        line("");
        line("| size | clients x in flight | msg/s gw/echo | msg/s gw/py | CPU/msg gw/echo | CPU/msg gw/py"
                + " | p50 gw/echo | p99 gw/echo | p99 gw/py |");
        line("|---|---|---|---|---|---|---|---|---|");
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
            holders.add(loadClient("hold-" + label, "hold", s.endpoint(), s.key(), keysFile.toString(),
                    Integer.toString(offset), Integer.toString(n)));
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
        Child c = start(old.name(), List.of(old.base().resolve("bin/edge-gateway").toString(), "--home",
                old.home().toString(), "run"), env);
        c.awaitLine(GATEWAY_READY, Duration.ofSeconds(90));
        return new Server(old.name(), c, old.endpoint(), old.key(), old.home(), old.base());
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
