package org.edgegateway.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgegateway.bench.LoadRuns.Window;
import org.edgegateway.bench.Servers.Server;

/**
 * The blocks of a side-by-side run that load servers already running with the load clients: messages
 * (block 1), jnacl vs the stand-in (4a), CURVE handshakes (2) and the gateway's JFR profile. Not
 * thread-safe: the run's main thread.
 */
final class MessageBlocks {
    private final Harness h;
    private final Report report;
    private final LoadRuns loads;

    MessageBlocks(Harness h) {
        this.h = h;
        this.report = h.report();
        this.loads = h.loads();
    }

    /** The clients x in-flight shapes of block 1, from {@code --loads 1x1,1x100,16x1,16x100}. */
    private List<int[]> loadShapes() {
        List<int[]> shapes = new ArrayList<>();
        for (String shape : h.option("loads", "1x1,1x100,16x1,16x100").split(",")) {
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

    void messages(Server gateway, Server echo, Server cEcho, Server python) throws Exception {
        report.line("## 1. Messages: gateway, bare JeroMQ echo, bare libzmq (C) echo, pyzmq node (stand-in on the Java side)");
        report.line("");
        int prime = Integer.parseInt(h.option("prime", "20"));
        if (prime > 0) {
            report.line("Each server first took " + prime + " s of 16 x 100, 64 B, not measured (`--prime`): the JVM"
                    + " servers' JIT at its steady state before their first window.");
            report.line("");
            for (Server s : List.of(gateway, echo, cEcho, python)) {
                loads.prime(s, prime, List.of("0", "16", "100", "64"), List.of());
            }
        }
        report.loadAverageBefore();
        report.line("| size | clients x in flight | server | msg/s | p50 µs | p95 µs | p99 µs | max µs | server CPU µs/msg"
                + " | server CPU (cores) | client CPU µs/msg | errors |");
        report.line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> ratios = new ArrayList<>();
        for (int size : new int[] {64, 1024}) {
            for (int[] shape : loadShapes()) {
                Map<String, Window> cell = new LinkedHashMap<>();
                for (Server s : List.of(gateway, echo, cEcho, python)) {
                    Window w = loads.measure(s, "load", "0", Integer.toString(shape[0]), Integer.toString(shape[1]),
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
        report.line("");
        report.line("Ratios, gateway / the others (" + echo.name() + " = the JeroMQ echo, " + cEcho.name()
                + " = the libzmq echo):");
        report.line("");
        report.line("| size | clients x in flight | msg/s gw/JeroMQ-echo | msg/s gw/C-echo | msg/s gw/pyzmq"
                + " | CPU/msg gw/JeroMQ-echo | CPU/msg gw/C-echo | CPU/msg gw/pyzmq | p99 gw/JeroMQ-echo | p99 gw/C-echo |");
        report.line("|---|---|---|---|---|---|---|---|---|---|");
        ratios.forEach(report::line);
        report.endBlock();
    }

    private void row(int size, String shape, String server, Window w) {
        report.line(String.format(Locale.ROOT, "| %d B | %s | %s | %,.0f | %d | %d | %d | %d | %.1f | %.2f | %.1f | %d |",
                size, shape, server, w.rate(), w.p50(), w.p95(), w.p99(), w.max(), w.serverCpuMicros(),
                w.serverCpuShare(), w.clientCpuMicros(), w.errors()));
    }

    void jnaclMessages(Server gateway, Server gatewayJnacl, Server echo, Server echoJnacl) throws Exception {
        report.line("## 4a. jnacl vs the stand-in: messages, 16 clients x 100 in flight");
        report.line("");
        report.loadAverageBefore();
        report.line("| size | server | msg/s | p50 µs | p99 µs | server CPU µs/msg | server CPU (cores) | client CPU µs/msg | errors |");
        report.line("|---|---|---|---|---|---|---|---|---|");
        for (int size : new int[] {64, 1024}) {
            for (Server s : List.of(gateway, gatewayJnacl, echo, echoJnacl)) {
                Window w = loads.measure(s, "load", "0", "16", "100", Integer.toString(size));
                report.line(String.format(Locale.ROOT, "| %d B | %s | %,.0f | %d | %d | %.1f | %.2f | %.1f | %d |", size,
                        s.name(), w.rate(), w.p50(), w.p99(), w.serverCpuMicros(), w.serverCpuShare(),
                        w.clientCpuMicros(), w.errors()));
            }
        }
        report.endBlock();
    }

    void handshakes(List<Server> servers) throws Exception {
        int concurrency = Integer.parseInt(h.option("handshake-concurrency", "8"));
        report.line("## 2. CURVE handshakes per second (short-lived clients)");
        report.line("");
        report.line("Each of " + concurrency + " client threads in one process, again and again: a new DEALER with the next of "
                + "1,000 enrolled keys, connect, one STRING message, its ACK, close. Only connections answered inside "
                + "the window count.");
        report.line("");
        report.loadAverageBefore();
        report.line("| server | handshakes/s | connect-to-ACK p50 ms | p99 ms | server CPU ms/handshake | server CPU (cores)"
                + " | client CPU ms/handshake | failed |");
        report.line("|---|---|---|---|---|---|---|---|");
        for (Server s : servers) {
            Window w = loads.measure(s, "handshake", "0", "1000", Integer.toString(concurrency));
            report.line(String.format(Locale.ROOT, "| %s | %,.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |", s.name(),
                    w.rate(), w.p50() / 1000.0, w.p99() / 1000.0, w.serverCpuMicros() / 1000.0, w.serverCpuShare(),
                    w.clientCpuMicros() / 1000.0, w.errors()));
        }
        report.endBlock();
    }

    void profile(Server gateway) throws Exception {
        report.line("## Profile: where the gateway's CPU goes (stand-in, JFR)");
        report.line("");
        report.line("Recorded with `jcmd PID JFR.start settings=profile` over a measured window of its own (the figures of "
                + "that window are not used above). Shares of the gateway's CPU samples.");
        report.line("");
        long pid = gateway.child().pid();
        String[][] runs = {{"load", "0", "1", "1", "64"}, {"load", "0", "16", "100", "64"},
            {"load", "0", "16", "100", "1024"}, {"handshake", "0", "1000", "8"}};
        for (String[] run : runs) {
            String label = String.join("-", run);
            Path jfr = h.files().work().resolve("gw-" + label + ".jfr");
            String[] args = Arrays.copyOfRange(run, 1, run.length);
            ProcStats.jcmd(pid, "JFR.start", "name=bench", "settings=profile", "filename=" + jfr);
            Window w = loads.measure(gateway, run[0], args);
            ProcStats.jcmd(pid, "JFR.stop", "name=bench");
            report.line("### " + (run[0].equals("load") ? run[4] + " B, " + run[2] + " client(s) x " + run[3] + " in flight"
                    : "handshakes, 8 at a time"));
            report.line("");
            report.line(String.format(Locale.ROOT, "(under JFR: %,.0f/s, server CPU %.1f µs each)", w.rate(),
                    w.serverCpuMicros()));
            report.line("");
            report.line(JfrSummary.summarise(jfr, 12));
        }
        report.write();
    }
}
