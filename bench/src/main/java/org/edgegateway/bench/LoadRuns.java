package org.edgegateway.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.bench.Servers.Server;

/**
 * The measured windows of a side-by-side run: load-client processes (the C {@code load.c}, or
 * {@link LoadClient} with {@code --client jeromq}) connect, get {@code GO START END} for a warm-up and
 * a window in wall-clock time, and print a {@code RESULT key=value ...} line; the server's and every
 * client's CPU is read from {@code /proc} ({@link ProcStats}) at the window's edges. Not thread-safe:
 * the run's main thread.
 */
final class LoadRuns {

    /** One measured window's figures. */
    record Window(double rate, long p50, long p95, long p99, long max, long replies, long errors,
                  double serverCpuMicros, double clientCpuMicros, double serverCpuShare) {
    }

    /**
     * One load-client process of a measurement: mode ({@code load} or {@code handshake}), the
     * arguments after ENDPOINT SERVER_KEY KEYS, options of the C client, and whether it starts
     * loading at the start of the measured window instead of the start of the warm-up.
     */
    record Load(String mode, List<String> args, List<String> options, boolean fromWindowStart) {
    }

    /** Every client's RESULT fields and CPU over the window, and the server's (-1: the process was gone). */
    record Group(List<Map<String, String>> results, List<Long> clientCpuNanos, long serverCpuNanos,
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

    private final Workspace files;
    private final Children children;
    private final int seconds;
    private final int warmup;
    private final boolean jeromqClient;
    private final int clientThreads;

    /**
     * @param seconds       the measured window ({@code --seconds})
     * @param warmup        the warm-up before it ({@code --warmup})
     * @param jeromqClient  {@code --client jeromq}
     * @param clientThreads threads of each C load client ({@code --client-threads})
     */
    LoadRuns(Workspace files, Children children, int seconds, int warmup, boolean jeromqClient, int clientThreads) {
        this.files = files;
        this.children = children;
        this.seconds = seconds;
        this.warmup = warmup;
        this.jeromqClient = jeromqClient;
        this.clientThreads = clientThreads;
    }

    int seconds() {
        return seconds;
    }

    int warmup() {
        return warmup;
    }

    /**
     * Runs one {@code load} or {@code handshake} client against {@code s}: after it has connected, a
     * warm-up, then the measured window with the server's and the client's CPU read at its edges.
     */
    Window measure(Server s, String mode, String... args) throws Exception {
        return measureGroup(s, List.of(new Load(mode, List.of(args), List.of(), false))).window(0);
    }

    /**
     * Runs several client processes against {@code s} over the same window: all connect, then each
     * gets {@code GO START END} at the start of the warm-up (or of the window), and the server's and
     * every client's CPU is read at the window's edges.
     */
    Group measureGroup(Server s, List<Load> loads) throws Exception {
        List<Child> clients = new ArrayList<>();
        try {
            for (Load l : loads) {
                List<String> args = new ArrayList<>(List.of(l.mode(), s.endpoint(), s.key(), files.keysFile().toString()));
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
            long server0 = ProcStats.cpuNanosOrMinusOne(s.child());
            long[] client0 = new long[clients.size()];
            for (int i = 0; i < clients.size(); i++) {
                client0[i] = ProcStats.cpuNanosOrMinusOne(clients.get(i));
            }
            long wall0 = System.nanoTime();
            sleepUntil(end);
            long server1 = ProcStats.cpuNanosOrMinusOne(s.child());
            List<Long> clientCpu = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                long client1 = ProcStats.cpuNanosOrMinusOne(clients.get(i));
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
                children.stop(c, Duration.ofSeconds(10));
            }
        }
    }

    /**
     * A holder of idle or storm clients ({@code hold ...}): the C client's, or a JeroMQ {@link LoadClient}
     * with {@code --client jeromq}. Same line protocol (HELD, PROBE, PROBED, QUIT).
     */
    Child holder(String name, List<String> args) throws IOException {
        return loadClient(name, args, List.of());
    }

    /** A JeroMQ {@link LoadClient} process: every load with {@code --client jeromq}. */
    Child javaClient(String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java", "-Djava.net.preferIPv4Stack=true",
                "-Dlogback.configurationFile=" + files.bundle().resolve("conf/logback-client.xml"),
                "-cp", files.standInClassPath(), LoadClient.class.getName()));
        cmd.addAll(args);
        return children.start(name, cmd, Map.of());
    }

    /**
     * Loads {@code s} for {@code seconds} with one {@code load} client and measures nothing: the
     * server's JIT reaches its steady state before its first window (a JVM server needs tens of
     * seconds at load for that, more than a window's warm-up; the others are primed the same way).
     *
     * @param options the C client's options ({@code -t TYPE}, ...)
     */
    void prime(Server s, int seconds, List<String> args, List<String> options) throws Exception {
        if (seconds <= 0) {
            return;
        }
        List<String> all = new ArrayList<>(List.of("load", s.endpoint(), s.key(), files.keysFile().toString()));
        all.addAll(args);
        Child c = loadClient("prime-" + s.name(), all, options);
        try {
            c.awaitLine("CONNECTED", Duration.ofSeconds(120));
            long start = System.currentTimeMillis();
            c.send("GO " + start + " " + (start + seconds * 1000L));
            c.awaitLine("RESULT", Duration.ofSeconds(seconds + 90L));
        } finally {
            children.stop(c, Duration.ofSeconds(10));
        }
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
        cmd.add(files.programs().load().toString());
        cmd.addAll(args);
        if (args.get(0).equals("load")) {
            cmd.addAll(List.of("-j", Integer.toString(clientThreads)));
        }
        cmd.addAll(cOptions);
        return children.start(name, cmd, Map.of());
    }

    /** The {@code key=value} words of a client's output line, in order. */
    static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String w : line.split(" ")) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                m.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return m;
    }

    /** A number of a parsed line, 0 when absent. */
    static long num(Map<String, String> r, String key) {
        return Long.parseLong(r.getOrDefault(key, "0"));
    }

    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long left;
        while ((left = epochMillis - System.currentTimeMillis()) > 0) {
            Thread.sleep(Math.min(left, 1000));
        }
    }
}
