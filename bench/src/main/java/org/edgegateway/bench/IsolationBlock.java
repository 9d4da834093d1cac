package org.edgegateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.edgegateway.bench.LoadRuns.Group;
import org.edgegateway.bench.LoadRuns.Load;
import org.edgegateway.bench.LoadRuns.Window;
import org.edgegateway.bench.Servers.Server;

/**
 * The isolation block of a side-by-side run: STRING clients alone (A), then next to clients of four
 * misbehaving plugins (SLOW, HANG, THROW, HOG; B) on a gateway of its own, whose home
 * {@link Workspace#prepare} made with those plugins unsigned in {@code plugins/}. Not thread-safe: the
 * run's main thread.
 */
final class IsolationBlock {
    /** Pace of each client of a misbehaving plugin (ms between two sends). */
    private static final int BAD_INTERVAL_MS = 20;
    /** The misbehaving plugins: message type, plugin id, handler class. */
    private static final List<BadPlugin> BAD_PLUGINS = List.of(
            new BadPlugin("SLOW", "bench-slow", org.edgegateway.bench.plugins.SlowHandler.class),
            new BadPlugin("HANG", "bench-hang", org.edgegateway.bench.plugins.HangHandler.class),
            new BadPlugin("THROW", "bench-throw", org.edgegateway.bench.plugins.ThrowHandler.class),
            new BadPlugin("HOG", "bench-hog", org.edgegateway.bench.plugins.HogHandler.class));

    /** A misbehaving plugin of the block. */
    private record BadPlugin(String type, String id, Class<?> handler) {
    }

    private final Harness h;
    private final Report report;

    IsolationBlock(Harness h) {
        this.h = h;
        this.report = h.report();
    }

    /** The plugins the isolation gateway's home needs: id to handler class. */
    static Map<String, Class<?>> plugins() {
        Map<String, Class<?>> plugins = new LinkedHashMap<>();
        for (BadPlugin p : BAD_PLUGINS) {
            plugins.put(p.id(), p.handler());
        }
        return plugins;
    }

    void run() throws Exception {
        String timeout = h.option("isolation-timeout", "5000");
        report.line("## Isolation: STRING clients next to misbehaving plugins (gateway, stand-in)");
        report.line("");
        report.line("A gateway of its own (`gw-isolation`: `EGW_PLUGINS_ALLOW_UNSIGNED=true`, the shipped `plugins.*` "
                + "limits) with four unsigned plugins in its home's `plugins/`: SLOW (sleeps 200 ms, then ACK), HANG "
                + "(never returns, ignores interruption), THROW (always throws), HOG (allocates 1 MiB blocks and keeps "
                + "them, without end). First " + h.option("prime", "20") + " s of STRING, 16 x 100, not measured (`--prime`). "
                + "A: 16 clients x 100 in flight of STRING 64 B alone. B: the same, plus 4 clients "
                + "x 1 in flight of each bad type (64 B), one load-client process per type, sending from the start of "
                + "the measured window to its end, each client at most " + (1000 / BAD_INTERVAL_MS) + " messages a "
                + "second (`-i " + BAD_INTERVAL_MS + "`: sensors, not flooders; once a plugin is failed its clients get "
                + "UNKNOWN_TYPE at once and would otherwise loop on it). A request unanswered " + timeout + " ms after "
                + "it was sent counts as no answer.");
        report.line("");
        report.loadAverageBefore();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("EGW_PLUGINS_ALLOW_UNSIGNED", "true");
        for (String pair : h.option("isolation-env", "").split(",")) {
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
            report.line("Extra environment of this gateway (--isolation-env): " + env);
            report.line("");
        }
        Path bundle = h.files().bundle();
        Path home = h.files().gatewayHomeIsolation();
        Server gw = h.servers().gateway("gw-isolation", home, bundle, env);
        try {
            PluginList before = PluginList.read(bundle, home);
            for (BadPlugin p : BAD_PLUGINS) {
                if (!before.state(p.id()).equals("started")) {
                    report.progress("warning: " + p.id() + " is " + before.describe(p.id()) + " before phase A");
                }
            }
            Load string = new Load("load", List.of("0", "16", "100", "64"), List.of("-T", timeout), false);
            // A fresh JVM: without this, A measures the JIT's first minute and B its second.
            int prime = Integer.parseInt(h.option("prime", "20"));
            if (prime > 0) {
                report.progress("isolation: priming the gateway with " + prime + " s of STRING");
                h.loads().prime(gw, prime, List.of("0", "16", "100", "64"), List.of());
            }
            report.progress("isolation A: STRING alone");
            Group a = h.loads().measureGroup(gw, List.of(string));
            List<Load> loads = new ArrayList<>(List.of(string));
            for (int i = 0; i < BAD_PLUGINS.size(); i++) {
                // keys 16.. : each bad client its own enrolled key, none shared with the STRING clients
                loads.add(new Load("load", List.of(Integer.toString(16 + 4 * i), "4", "1", "64"),
                        List.of("-t", BAD_PLUGINS.get(i).type(), "-T", timeout, "-i", Integer.toString(BAD_INTERVAL_MS)),
                        true));
            }
            report.progress("isolation B: STRING next to " + BAD_PLUGINS.stream().map(BadPlugin::type).toList());
            Group b = h.loads().measureGroup(gw, loads);
            boolean alive = gw.child().alive();
            PluginList after = alive ? PluginList.read(bundle, home) : null;
            reportPhases(timeout, a, b);
            reportBadTypes(gw, timeout, b, before, after);
        } finally {
            h.servers().stop(gw);
        }
        report.line("Load average after: " + ProcStats.loadavg());
        report.line("");
        report.write();
    }

    /** STRING in A and B, and B against A with the targets. */
    private void reportPhases(String timeout, Group a, Group b) {
        Window wa = a.window(0);
        Window wb = b.window(0);
        report.line("STRING clients (16 x 100, 64 B):");
        report.line("");
        report.line("| phase | msg/s | p50 µs | p99 µs | max µs | errors | no answer | gateway CPU (cores) | non-ACK answers in the window |");
        report.line("|---|---|---|---|---|---|---|---|---|");
        Group[] groups = {a, b};
        String[] names = {"A: STRING alone", "B: next to SLOW, HANG, THROW, HOG"};
        for (int i = 0; i < 2; i++) {
            Window w = groups[i].window(0);
            Map<String, String> r = groups[i].results().get(0);
            report.line(String.format(Locale.ROOT, "| %s | %,.0f | %d | %d | %d | %d | %d | %.2f | %s |", names[i],
                    w.rate(), w.p50(), w.p99(), w.max(), LoadRuns.num(r, "errors"), LoadRuns.num(r, "run_timeouts"),
                    w.serverCpuShare(), AnswerCodes.of(r).others(Set.of("ACK"), true)));
        }
        report.line("");
        double rateRatio = wb.rate() / wa.rate();
        double p99Ratio = (double) wb.p99() / wa.p99();
        long unanswered = LoadRuns.num(b.results().get(0), "run_timeouts");
        // a p99 over the answers that came says nothing of the requests that never got one
        boolean p99Met = p99Ratio <= 2.0 && unanswered == 0;
        report.line(String.format(Locale.ROOT, "B / A: throughput %.2f (target >= 0.90: %s); p99 %.2fx%s (target <= 2x: %s)",
                rateRatio, rateRatio >= 0.90 ? "met" : "**missed**", p99Ratio,
                unanswered == 0 ? "" : String.format(Locale.ROOT, " of the answers that came, %,d STRING requests "
                        + "without an answer", unanswered), p99Met ? "met" : "**missed**"));
        report.line("");
    }

    /** The bad types' answers by code, the plugins' states, and what the gateway logged of them. */
    private void reportBadTypes(Server gw, String timeout, Group b, PluginList before, PluginList after)
            throws IOException {
        report.line("Clients of the bad types (4 x 1 in flight each; answers from the start of the window until every "
                + "request was answered or past its " + timeout + " ms limit; each cell: count (max latency µs)):");
        report.line("");
        report.line("| type | sent | answers | ACK | HANDLER_FAILED | BUSY | other | no answer | answers in the window/s"
                + " | plugin before A | plugin after B | shown as failed |");
        report.line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < BAD_PLUGINS.size(); i++) {
            BadPlugin p = BAD_PLUGINS.get(i);
            Map<String, String> r = b.results().get(i + 1);
            AnswerCodes codes = AnswerCodes.of(r);
            String state = after == null ? "(gateway gone)" : after.describe(p.id());
            String failed = after == null ? "gateway gone" : after.state(p.id()).equals("failed") ? "yes" : "no";
            report.line(String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %s | %s | %s | %,d | %,.0f | %s | %s | %s |",
                    p.type(), LoadRuns.num(r, "sent"), LoadRuns.num(r, "total"), codes.cell("ACK"),
                    codes.cell("HANDLER_FAILED"), codes.cell("BUSY"),
                    codes.others(Set.of("ACK", "HANDLER_FAILED", "BUSY"), false), LoadRuns.num(r, "run_timeouts"),
                    Double.parseDouble(r.getOrDefault("rate", "0")), before.describe(p.id()), state, failed));
        }
        report.line("");
        Path logs = h.files().logs();
        if (after == null) {
            report.line("**The gateway process ended during phase B** (exit " + gw.child().exitStatus() + "); the last "
                    + "lines of its output (" + gw.child().name() + ".out and .err in the logs folder):");
            report.line("");
            report.line("```");
            tail(logs.resolve(gw.child().name() + ".out"), 3).forEach(report::line);
            tail(logs.resolve(gw.child().name() + ".err"), 3).forEach(report::line);
            report.line("```");
        } else {
            report.line("`bin/edge-gateway --home gw-home-isolation plugins list` after B (exit " + after.exit() + "):");
            report.line("");
            report.line("```");
            report.line(after.text().stripTrailing());
            report.line("```");
        }
        report.line("");
        List<String> logged = warnings(logs.resolve(gw.child().name() + ".out"),
                BAD_PLUGINS.stream().map(BadPlugin::id).toList());
        report.line("Gateway log, WARN/ERROR lines naming a bench plugin: " + logged.size()
                + (logged.isEmpty() ? "." : " (the first " + Math.min(20, logged.size()) + "):"));
        if (!logged.isEmpty()) {
            report.line("");
            report.line("```");
            logged.stream().limit(20).map(IsolationBlock::cut).forEach(report::line);
            report.line("```");
        }
        report.line("");
    }

    /** The last {@code count} lines of {@code file}, each cut to 300 characters. */
    private static List<String> tail(Path file, int count) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> all = readLines(file);
        return all.subList(Math.max(0, all.size() - count), all.size()).stream().map(IsolationBlock::cut).toList();
    }

    /** The lines of a gateway's standard output at WARN or ERROR that name one of {@code ids}. */
    private static List<String> warnings(Path out, List<String> ids) throws IOException {
        if (!Files.exists(out)) {
            return List.of();
        }
        return readLines(out).stream()
                .filter(l -> (l.contains(" WARN ") || l.contains(" ERROR ")) && ids.stream().anyMatch(l::contains))
                .toList();
    }

    private static String cut(String line) {
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** A log's lines; bytes that are not UTF-8 are replaced, not refused. */
    private static List<String> readLines(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    }
}
