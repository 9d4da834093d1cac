package org.edgegateway.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.bench.Servers.Server;

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
 *
 * <p>This class reads the command line and runs the blocks in order, starting only the servers they
 * need; the parts are {@link Workspace} (the work folder), {@link Servers}, {@link LoadRuns} (the
 * measured windows), {@link Report}, {@link Children} (the processes started), and the blocks:
 * {@link MessageBlocks}, {@link HeldClients}, {@link WorkersBlock}, {@link IsolationBlock}.
 */
public final class SideBySide {
    private static final List<String> BLOCKS = List.of("1", "2", "3", "4", "storm", "profile", "workers", "isolation");

    private final Map<String, String> opt;
    private final Path work;
    private final Path bundle;
    private final Path benchJar;
    private final Path jnaclJar;
    private final int seconds;
    private final int warmup;
    private final List<String> blocks;
    private final boolean jeromqClient;
    private final int clientThreads;
    private final Report report;
    private final Children children;

    private SideBySide(Map<String, String> opt) {
        this.opt = opt;
        this.work = Path.of(opt.getOrDefault("work", "bench/target/side-by-side")).toAbsolutePath();
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
        this.clientThreads = Integer.parseInt(opt.getOrDefault("client-threads", "1"));
        this.report = new Report(work.resolve("results.md"));
        this.children = new Children(work.resolve("logs"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: SideBySide [--seconds 10] [--warmup 3] [--prime 20] [--idle 10000] [--storm 2000]"
                        + " [--storm-jnacl 2000] [--blocks 1,2,3,4,storm,profile,isolation] [--work DIR] [--bundle DIR]"
                        + " [--bench-jar JAR] [--jnacl JAR] [--python /usr/bin/python3] [--node central_node.py]"
                        + " [--c-src bench/src/main/c] [--client c|jeromq] [--client-threads 1]"
                        + " [--loads 1x1,1x100,16x1,16x100] [--isolation-timeout 5000] [--isolation-env EGW_K=V,...]"
                        + " [--worker-in-flight 16] [--batched-worker-in-flight 128] [--worker-work 2000] [--python-worker workers/examples/python/worker.py]");
                System.exit(2);
            }
            opt.put(args[i].substring(2), args[++i]);
        }
        SideBySide bench = new SideBySide(opt);
        try {
            bench.run();
        } finally {
            bench.children.stopAll();
        }
    }

    private void run() throws Exception {
        int idle = Integer.parseInt(opt.getOrDefault("idle", "10000"));
        int storm = Integer.parseInt(opt.getOrDefault("storm", "2000"));
        int stormJnacl = Integer.parseInt(opt.getOrDefault("storm-jnacl", Integer.toString(storm)));
        int keyCount = Math.max(1000, Math.max(idle, Math.max(storm, stormJnacl)));
        String python = opt.getOrDefault("python", "/usr/bin/python3");
        Workspace.checkInputs(bundle, benchJar, jnaclJar, python, blocks.contains("1") || blocks.contains("2"));
        Workspace files = Workspace.prepare(work, bundle, benchJar, jnaclJar,
                Path.of(opt.getOrDefault("c-src", "bench/src/main/c")).toAbsolutePath(), keyCount,
                blocks.contains("isolation") ? IsolationBlock.plugins() : Map.of(), children, report);
        Servers servers = new Servers(files, children, report, python,
                Path.of(opt.getOrDefault("node", "bench/src/main/python/central_node.py")).toAbsolutePath());
        Harness h = new Harness(opt, files, children, servers,
                new LoadRuns(files, children, seconds, warmup, jeromqClient, clientThreads), report);
        report.line("# Side-by-side run, " + Instant.now());
        report.line("");
        report.line("Machine: " + machine());
        report.line("Windows: " + warmup + " s warm-up, " + seconds + " s measured. Load average (1/5/15 min) at start: "
                + ProcStats.loadavg());
        report.line("Load client: " + (jeromqClient ? "JeroMQ (LoadClient, one thread per DEALER)"
                : "libzmq " + files.programs().zmqVersion() + " (load.c, " + clientThreads
                        + " thread(s) + 1 libzmq I/O thread)") + "; held and storm clients: "
                + (jeromqClient ? "JeroMQ (LoadClient hold)." : "libzmq (load.c hold, one I/O thread per process)."));
        report.line("");

        boolean messages = blocks.contains("1");
        boolean handshakes = blocks.contains("2");
        MessageBlocks measured = new MessageBlocks(h);
        Server gateway = null;
        if (messages || handshakes || blocks.contains("4") || blocks.contains("profile") || blocks.contains("3")
                || blocks.contains("storm")) {
            gateway = servers.gateway("gw-standin", files.gatewayHome(), bundle, Map.of());
        }
        Server echo = messages || handshakes || blocks.contains("4") ? servers.echo("echo-standin", files.standInClassPath())
                : null;
        Server cEcho = messages || handshakes ? servers.cEcho() : null;
        Server pyzmq = messages || handshakes ? servers.python() : null;
        if (messages) {
            measured.messages(gateway, echo, cEcho, pyzmq);
        }
        Server gatewayJnacl = null;
        Server echoJnacl = null;
        if (handshakes || blocks.contains("4")) {
            gatewayJnacl = servers.gateway("gw-jnacl", files.gatewayHomeJnacl(), files.jnaclBundle(), Map.of());
            echoJnacl = servers.echo("echo-jnacl", files.jnaclClassPath());
        }
        if (blocks.contains("4")) {
            measured.jnaclMessages(gateway, gatewayJnacl, echo, echoJnacl);
        }
        if (handshakes) {
            measured.handshakes(List.of(gateway, gatewayJnacl, echo, echoJnacl, cEcho, pyzmq));
        }
        if (blocks.contains("profile")) {
            measured.profile(gateway);
        }
        servers.stopEach(pyzmq, cEcho, echo, echoJnacl);
        HeldClients held = new HeldClients(h);
        if (blocks.contains("3")) {
            gateway = held.idle(gateway, idle);
            // the reference: the libzmq echo (same heartbeats) holding the same clients, the gateway idle meanwhile
            Server reference = servers.cEcho();
            held.idle(reference, idle);
            servers.stopEach(reference);
        }
        if (blocks.contains("storm")) {
            if (gatewayJnacl == null) {
                gatewayJnacl = servers.gateway("gw-jnacl", files.gatewayHomeJnacl(), files.jnaclBundle(), Map.of());
            }
            if (storm > 0) {
                gateway = held.storm(gateway, storm);
                // the reference: the libzmq echo restarted under the same clients (same cores, same holders)
                Server reference = servers.cEcho();
                servers.stopEach(held.storm(reference, storm));
            }
            if (stormJnacl > 0) {
                gatewayJnacl = held.storm(gatewayJnacl, stormJnacl);
            }
        }
        if (blocks.contains("workers")) {
            // the workers' gateway has the machine to itself
            servers.stopEach(gateway, gatewayJnacl);
            gateway = null;
            gatewayJnacl = null;
            new WorkersBlock(h).run();
        }
        if (blocks.contains("isolation")) {
            // the isolation gateway has the machine to itself
            servers.stopEach(gateway, gatewayJnacl);
            new IsolationBlock(h).run();
        }
        report.line("Load average at the end: " + ProcStats.loadavg());
        report.write();
    }

    private static String machine() throws IOException, InterruptedException {
        String model = shell("lscpu | sed -n 's/^Model name: *//p'");
        String mem = shell("free -g | awk '/^Mem:/ {print $2}'");
        String java = shell("java -version 2>&1 | head -2 | tail -1");
        return "nproc " + Runtime.getRuntime().availableProcessors() + ", " + model + ", " + mem + " GiB RAM, " + java;
    }

    private static String shell(String command) throws IOException, InterruptedException {
        return NativeBuild.exec(List.of("sh", "-c", command), Duration.ofSeconds(30)).output().strip();
    }
}
