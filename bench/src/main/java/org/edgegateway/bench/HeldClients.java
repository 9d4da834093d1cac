package org.edgegateway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgegateway.bench.Servers.Server;

/**
 * The blocks of a side-by-side run with many clients held open by holder processes of the load
 * client (libzmq's {@code load hold}, or JeroMQ {@link LoadClient}s with {@code --client jeromq}; SDK-like
 * reconnects): idle authenticated clients (block 3) and the reconnect storm after a gateway
 * restart (4b). Not thread-safe: the run's main thread.
 */
final class HeldClients {
    private static final int PER_PROCESS = 2500;

    private final Harness h;
    private final Report report;

    HeldClients(Harness h) {
        this.h = h;
        this.report = h.report();
    }

    /** Opens {@code count} held clients in processes of at most 2,500; each prints HELD once all answered once. */
    private List<Child> hold(Server s, int count, String label) throws Exception {
        List<Child> holders = new ArrayList<>();
        for (int offset = 0; offset < count; offset += PER_PROCESS) {
            int n = Math.min(PER_PROCESS, count - offset);
            holders.add(h.loads().holder("hold-" + label, List.of("hold", s.endpoint(), s.key(),
                    h.files().keysFile().toString(), Integer.toString(offset), Integer.toString(n))));
        }
        return holders;
    }

    /** One line of each holder that contains {@code marker}, each within {@code timeout}. */
    private static List<String> await(List<Child> holders, String marker, Duration timeout) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        for (Child holder : holders) {
            lines.add(holder.awaitLine(marker, timeout));
        }
        return lines;
    }

    /** The last lines of a block's list; the holders close their clients. */
    private void finish(List<Child> holders) {
        report.line("* load average after: " + ProcStats.loadavg());
        report.line("");
        for (Child holder : holders) {
            holder.send("QUIT");
        }
    }

    private static long sumOk(List<String> lines) {
        return lines.stream().mapToLong(l -> LoadRuns.num(LoadRuns.parse(l), "ok")).sum();
    }

    private void release(List<Child> holders) throws InterruptedException {
        for (Child holder : holders) {
            h.children().stop(holder, Duration.ofSeconds(30));
        }
    }

    /** Past the servers' ZMTP heartbeat time-out (30 s), so that the connections must have survived idle. */
    private static final Duration IDLE_SETTLE = Duration.ofSeconds(35);
    /** Long enough to hold the periodic work of every kind (last-seen flushes are 30 s apart). */
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(60);

    /**
     * Block 3 on {@code server} (a gateway, or the libzmq echo as the reference): {@code count} clients
     * answered once, then silent; the server's CPU over a window after they settled, its RSS (and, for
     * a Java server, heap) per client, and whether every client still answers.
     */
    Server idle(Server server, int count) throws Exception {
        boolean java = server.base() != null;
        report.line("## 3. Idle authenticated clients held by " + server.name());
        report.line("");
        report.loadAverageBefore();
        long pid = server.child().pid();
        long heap0 = java ? ProcStats.heapUsedAfterGcKib(pid) : 0;
        long rss0 = ProcStats.rssKib(pid);
        long t0 = System.currentTimeMillis();
        List<Child> holders = hold(server, count, "idle");
        try {
            List<String> held = await(holders, "HELD", Duration.ofSeconds(400));
            long heldMs = System.currentTimeMillis() - t0;
            long ok = sumOk(held);
            report.progress("idle: " + ok + " of " + count + " answered once after " + heldMs + " ms");
            Thread.sleep(IDLE_SETTLE.toMillis());
            long cpu0 = ProcStats.cpuNanos(pid);
            Thread.sleep(IDLE_WINDOW.toMillis());
            long idleCpu = ProcStats.cpuNanos(pid) - cpu0;
            long heap1 = java ? ProcStats.heapUsedAfterGcKib(pid) : 0;
            long rss1 = ProcStats.rssKib(pid);
            long probeStart = System.currentTimeMillis();
            for (Child holder : holders) {
                holder.send("PROBE " + probeStart + " 120000");
            }
            List<String> probed = await(holders, "PROBED", Duration.ofSeconds(200));
            long alive = sumOk(probed);
            long idleSeconds = IDLE_SETTLE.plus(IDLE_WINDOW).toSeconds();
            report.line(String.format(Locale.ROOT, "* clients opened: %,d (in %d processes of at most 2,500 DEALERs, "
                    + "SDK-like reconnect 100 ms to 10 s, handshake time limit 5 s); answered once: %,d after %.1f s",
                    count, holders.size(), ok, heldMs / 1000.0));
            report.line(String.format(Locale.ROOT, "* still connected and answering after %d s idle (past the 30 s "
                    + "heartbeat time-out): %,d of %,d (one more message each, all answered within %s)", idleSeconds,
                    alive, count, probed.stream().map(l -> LoadRuns.parse(l).get("last_ms") + " ms").toList()));
            if (java) {
                report.line(String.format(Locale.ROOT, "* heap after full GC: %,d KiB before, %,d KiB with the "
                        + "clients: %.1f KiB per client", heap0, heap1, (heap1 - heap0) / (double) Math.max(1, ok)));
            }
            report.line(String.format(Locale.ROOT, "* RSS: %,d KiB before, %,d KiB with the clients: %.1f KiB "
                    + "per client", rss0, rss1, (rss1 - rss0) / (double) Math.max(1, ok)));
            report.line(String.format(Locale.ROOT, "* CPU while they idle (%d s window from %d s after they all "
                    + "answered; heartbeats every 10 s): %.3f cores", IDLE_WINDOW.toSeconds(), IDLE_SETTLE.toSeconds(),
                    idleCpu / 1e9 / IDLE_WINDOW.toSeconds()));
            finish(holders);
        } finally {
            release(holders);
        }
        report.write();
        return server;
    }

    /** Block 4b on a gateway, or on the libzmq echo as the reference; returns the relaunched server. */
    Server storm(Server gateway, int count) throws Exception {
        report.line("## 4b. Reconnect storm: " + gateway.name() + ", " + String.format(Locale.ROOT, "%,d", count)
                + " clients");
        report.line("");
        report.loadAverageBefore();
        long t0 = System.currentTimeMillis();
        List<Child> holders = hold(gateway, count, "storm");
        Server restarted = gateway;
        try {
            long ok = sumOk(await(holders, "HELD", Duration.ofSeconds(400)));
            report.line(String.format(Locale.ROOT, "* connected first: %,d of %,d in %.1f s (100 at a time, each "
                    + "hundred answered before the next)", ok, count, (System.currentTimeMillis() - t0) / 1000.0));
            h.servers().stop(gateway);
            long launch = System.currentTimeMillis();
            restarted = h.servers().restart(gateway);
            long ready = System.currentTimeMillis();
            for (Child holder : holders) {
                holder.send("PROBE " + launch + " " + h.option("storm-timeout", "180000"));
            }
            List<String> probed = await(holders, "PROBED", Duration.ofSeconds(400));
            long back = sumOk(probed);
            long last = probed.stream().mapToLong(l -> LoadRuns.num(LoadRuns.parse(l), "last_ms")).max().orElse(-1);
            long cpu = ProcStats.cpuNanos(restarted.child().pid());
            report.line(String.format(Locale.ROOT, "* server stopped (SIGTERM), relaunched: ready %.1f s after launch",
                    (ready - launch) / 1000.0));
            report.line(String.format(Locale.ROOT, "* back (a message answered on the restored connection): %,d of %,d; "
                    + "the last %.1f s after the launch (per holder process p50/p90/p99/last ms: %s)", back, count,
                    last / 1000.0, probed.stream().map(l -> {
                        Map<String, String> r = LoadRuns.parse(l);
                        return r.get("p50_ms") + "/" + r.get("p90_ms") + "/" + r.get("p99_ms") + "/" + r.get("last_ms");
                    }).toList()));
            report.line(String.format(Locale.ROOT, "* new server process CPU from launch to all back: %.1f s", cpu / 1e9));
            finish(holders);
        } finally {
            release(holders);
        }
        report.write();
        return restarted;
    }
}
