package org.edgegateway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgegateway.bench.Servers.Server;

/**
 * The blocks of a side-by-side run with many clients held open by JeroMQ {@link LoadClient} processes
 * (SDK-like reconnects): idle authenticated clients (block 3) and the reconnect storm after a gateway
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
            holders.add(h.loads().javaClient("hold-" + label, List.of("hold", s.endpoint(), s.key(),
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

    Server idle(Server gateway, int count) throws Exception {
        report.line("## 3. Idle authenticated clients held by the gateway (stand-in)");
        report.line("");
        report.loadAverageBefore();
        long pid = gateway.child().pid();
        long heap0 = ProcStats.heapUsedAfterGcKib(pid);
        long rss0 = ProcStats.rssKib(pid);
        long t0 = System.currentTimeMillis();
        List<Child> holders = hold(gateway, count, "idle");
        try {
            List<String> held = await(holders, "HELD", Duration.ofSeconds(400));
            long heldMs = System.currentTimeMillis() - t0;
            long ok = sumOk(held);
            report.progress("idle: " + ok + " of " + count + " answered once after " + heldMs + " ms");
            Thread.sleep(20_000); // past the heartbeat time-out: the connections must survive idle
            long cpu0 = ProcStats.cpuNanos(pid);
            Thread.sleep(10_000);
            long idleCpu = ProcStats.cpuNanos(pid) - cpu0;
            long heap1 = ProcStats.heapUsedAfterGcKib(pid);
            long rss1 = ProcStats.rssKib(pid);
            long probeStart = System.currentTimeMillis();
            for (Child holder : holders) {
                holder.send("PROBE " + probeStart + " 120000");
            }
            List<String> probed = await(holders, "PROBED", Duration.ofSeconds(200));
            long alive = sumOk(probed);
            report.line(String.format(Locale.ROOT, "* clients opened: %,d (in %d processes of at most 2,500 DEALERs, "
                    + "SDK-like reconnect 100 ms to 10 s, handshake time limit 5 s); answered once: %,d after %.1f s",
                    count, holders.size(), ok, heldMs / 1000.0));
            report.line(String.format(Locale.ROOT, "* still connected and answering after 30 s idle (past the 15 s "
                    + "heartbeat time-out): %,d of %,d (one more message each, all answered within %s)", alive, count,
                    probed.stream().map(l -> LoadRuns.parse(l).get("last_ms") + " ms").toList()));
            report.line(String.format(Locale.ROOT, "* gateway heap after full GC: %,d KiB before, %,d KiB with the "
                    + "clients: %.1f KiB per client", heap0, heap1, (heap1 - heap0) / (double) Math.max(1, ok)));
            report.line(String.format(Locale.ROOT, "* gateway RSS: %,d KiB before, %,d KiB with the clients: %.1f KiB "
                    + "per client", rss0, rss1, (rss1 - rss0) / (double) Math.max(1, ok)));
            report.line(String.format(Locale.ROOT, "* gateway CPU while they idle (10 s, heartbeats only): %.3f cores",
                    idleCpu / 1e10));
            finish(holders);
        } finally {
            release(holders);
        }
        report.write();
        return gateway;
    }

    /** Block 4b; returns the relaunched gateway. */
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
            report.line(String.format(Locale.ROOT, "* gateway stopped (SIGTERM), relaunched: ready %.1f s after launch",
                    (ready - launch) / 1000.0));
            report.line(String.format(Locale.ROOT, "* back (a message answered on the restored connection): %,d of %,d; "
                    + "the last %.1f s after the launch (per holder process p50/p90/p99/last ms: %s)", back, count,
                    last / 1000.0, probed.stream().map(l -> {
                        Map<String, String> r = LoadRuns.parse(l);
                        return r.get("p50_ms") + "/" + r.get("p90_ms") + "/" + r.get("p99_ms") + "/" + r.get("last_ms");
                    }).toList()));
            report.line(String.format(Locale.ROOT, "* new gateway process CPU from launch to all back: %.1f s", cpu / 1e9));
            finish(holders);
        } finally {
            release(holders);
        }
        report.write();
        return restarted;
    }
}
