package org.edgegateway.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgegateway.bench.LoadRuns.Load;
import org.edgegateway.bench.LoadRuns.Window;
import org.edgegateway.bench.Servers.Server;

/**
 * The workers block of a side-by-side run, on a gateway of its own: the same work through an external
 * worker and through a plugin (the STRING plugin and {@link BenchWorker}, a Java worker that checks
 * UTF-8 the same way), then a CPU-bound Python handler served by 1, 2 and 4 pyzmq workers
 * ({@code workers/examples/python/worker.py}). Not thread-safe: the run's main thread.
 */
final class WorkersBlock {
    private final Harness h;
    private final Report report;
    private final LoadRuns loads;

    WorkersBlock(Harness h) {
        this.h = h;
        this.report = h.report();
        this.loads = h.loads();
    }

    void run() throws Exception {
        report.line("## Workers: a message type served by an external worker beside the same work in a plugin");
        report.line("");
        Workspace files = h.files();
        Path home = files.work().resolve("gw-home-workers");
        Workspace.copyTree(files.gatewayHome(), home);
        String workers = "tcp://127.0.0.1:" + Servers.freePort();
        String credit = h.option("worker-in-flight", "16");
        String batchedCredit = h.option("batched-worker-in-flight", "128");
        report.line("Worker credit: " + credit + " requests per classic worker (`workers.max-in-flight`, the Python"
                + " workers), a window of up to " + batchedCredit + " per batched worker (`workers.batched-max-in-flight`,"
                + " the Java worker).");
        report.line("");
        Server gw = h.servers().gateway("gw-workers", home, files.bundle(), Map.of("EGW_WORKERS_ENDPOINT", workers,
                "EGW_WORKERS_TIMEOUT", "30s", "EGW_WORKERS_MAX_IN_FLIGHT", credit,
                "EGW_WORKERS_BATCHED_MAX_IN_FLIGHT", batchedCredit));
        Path bundles = files.work().resolve("worker-bundles");
        for (String name : List.of("w-java", "w-py-1", "w-py-2", "w-py-3", "w-py-4")) {
            h.children().runUntilBundleWritten(List.of(files.bundle().resolve("bin/edge-gateway").toString(), "--home",
                    home.toString(), "workers", "add", name, "--generate", "--out", bundles.resolve(name).toString()),
                    Duration.ofSeconds(120));
        }
        Child javaWorker = h.children().start("w-java", List.of("java", "-Xmx256m", "-Djava.net.preferIPv4Stack=true",
                "-Dlogback.configurationFile=" + files.bundle().resolve("conf/logback-client.xml"), "-cp",
                files.standInClassPath(), BenchWorker.class.getName(), bundles.resolve("w-java").toString(), "w-java",
                "WSTRING"), Map.of());
        javaWorker.awaitLine("READY", Duration.ofSeconds(90));
        int prime = Integer.parseInt(h.option("prime", "20"));
        if (prime > 0) {
            report.line("The gateway and the worker first took " + prime + " s of 16 x 100, 64 B, of each path, not"
                    + " measured (`--prime`).");
            report.line("");
            for (String type : List.of("STRING", "WSTRING")) {
                loads.prime(gw, prime, List.of("0", "16", "100", "64"), List.of("-t", type));
            }
        }
        report.loadAverageBefore();
        besidePlugin(gw, javaWorker);
        h.children().stop(javaWorker, Duration.ofSeconds(10));
        pythonWorkers(gw, bundles);
        h.servers().stop(gw);
        report.write();
    }

    /** STRING through the plugin, then WSTRING through the Java worker, at three loads. */
    private void besidePlugin(Server gw, Child javaWorker) throws Exception {
        report.line("| path | clients x in flight | msg/s | p50 µs | p99 µs | gateway CPU µs/msg | worker CPU µs/msg | errors |");
        report.line("|---|---|---|---|---|---|---|---|");
        List<String> ratios = new ArrayList<>();
        int warmup = loads.warmup();
        int seconds = loads.seconds();
        for (int[] shape : new int[][] {{16, 100}, {16, 1}, {1, 1}}) {
            Window plugin = typed(gw, shape, "STRING");
            long w0 = ProcStats.cpuNanosOrMinusOne(javaWorker);
            Window worker = typed(gw, shape, "WSTRING");
            long w1 = ProcStats.cpuNanosOrMinusOne(javaWorker);
            String load = shape[0] + " x " + shape[1];
            report.line(String.format(Locale.ROOT, "| STRING plugin | %s | %,.0f | %d | %d | %.1f | - | %d |", load,
                    plugin.rate(), plugin.p50(), plugin.p99(), plugin.serverCpuMicros(), plugin.errors()));
            // The worker's CPU is read around the whole measurement (connect and warm-up included): an upper bound.
            double workerMicros = w0 < 0 || w1 < 0 || worker.replies() == 0 ? Double.NaN
                    : (w1 - w0) / 1000.0 / (worker.replies() * (double) (warmup + seconds) / seconds);
            report.line(String.format(Locale.ROOT, "| Java worker (WSTRING) | %s | %,.0f | %d | %d | %.1f | %.1f | %d |",
                    load, worker.rate(), worker.p50(), worker.p99(), worker.serverCpuMicros(), workerMicros,
                    worker.errors()));
            ratios.add(String.format(Locale.ROOT, "%s: gateway CPU/msg worker/plugin %.2f, msg/s %.2f, p99 %.2f", load,
                    worker.serverCpuMicros() / plugin.serverCpuMicros(), worker.rate() / plugin.rate(),
                    (double) worker.p99() / plugin.p99()));
        }
        report.line("");
        ratios.forEach(r -> report.line("- " + r));
        report.line("");
    }

    /** 64 B messages of {@code type}, {@code shape[0]} clients x {@code shape[1]} in flight. */
    private Window typed(Server gw, int[] shape, String type) throws Exception {
        return loads.measureGroup(gw, List.of(new Load("load", List.of("0", Integer.toString(shape[0]),
                Integer.toString(shape[1]), "64"), List.of("-t", type), false))).window(0);
    }

    /** The CPU-bound Python handler, 16 x 16 in flight, by the number of pyzmq workers. */
    private void pythonWorkers(Server gw, Path bundles) throws Exception {
        int work = Integer.parseInt(h.option("worker-work", "2000"));
        Path script = Path.of(h.option("python-worker", "workers/examples/python/worker.py")).toAbsolutePath();
        report.line("A CPU-bound Python handler (" + work + " rounds of SHA-256 per message, " + script.getFileName()
                + "), 16 clients x 16 in flight, 64 B, by the number of pyzmq workers ("
                + Runtime.getRuntime().availableProcessors() + " cores):");
        report.line("");
        report.line("| workers | msg/s | speed-up | p50 µs | p99 µs | gateway CPU µs/msg | errors |");
        report.line("|---|---|---|---|---|---|---|");
        double one = Double.NaN;
        for (int n : new int[] {1, 2, 4}) {
            List<Child> py = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                Child c = h.children().start("w-py-" + i, List.of(h.option("python", "/usr/bin/python3"),
                        script.toString(), bundles.resolve("w-py-" + i).toString(), "w-py-" + i, "PYWORK",
                        Integer.toString(work)), Map.of());
                c.awaitLine("ready", Duration.ofSeconds(60));
                py.add(c);
            }
            Window w = loads.measureGroup(gw, List.of(new Load("load", List.of("0", "16", "16", "64"),
                    List.of("-t", "PYWORK", "-T", "30000"), false))).window(0);
            if (n == 1) {
                one = w.rate();
            }
            report.line(String.format(Locale.ROOT, "| %d | %,.0f | %.2f | %d | %d | %.1f | %d |", n, w.rate(),
                    w.rate() / one, w.p50(), w.p99(), w.serverCpuMicros(), w.errors()));
            for (Child c : py) {
                h.children().stop(c, Duration.ofSeconds(10));
            }
        }
        report.line("");
    }
}
