package org.edgegateway.bench;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.config.Settings;
import org.edgegateway.core.plugins.PluginHost;
import org.edgegateway.core.testing.BuiltinPlugins;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Flood fairness, run by hand: an in-process gateway (real CURVE, H2 key store in a temporary
 * folder, default flood defence) serves polite clients that each send at a fixed rate and wait for
 * every answer; their throughput and latency are measured without a flooder, with one authenticated
 * flooder under the default settings (quarantined), and with one flooder under rate limits only
 * (quarantine off, the flood lasts the whole phase). Also reports the time from the flooder's start
 * to its quarantine being stored.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.edgegateway.bench.FloodFairness \
 *      [--clients 8] [--rate 50] [--seconds 10] [--flooder python|jeromq]
 * </pre>
 *
 * The python flooder is Debian's python3-zmq (libzmq) run by /usr/bin/python3, as its own process.
 * Prints to standard output (this is a command-line tool).
 */
public final class FloodFairness {
    private static final Actor BENCH = new Actor("bench", "local");

    private final int clients;
    private final double rate;
    private final int seconds;
    private final String flooderKind;

    private FloodFairness(int clients, double rate, int seconds, String flooderKind) {
        this.clients = clients;
        this.rate = rate;
        this.seconds = seconds;
        this.flooderKind = flooderKind;
    }

    /** What one phase measured. */
    record Result(String phase, long acks, long failures, double seconds, long[] latenciesNanos, long flooderSent,
                  double secondsToQuarantine, long rateLimited) {
        double throughput() {
            return acks / seconds;
        }

        double percentileMs(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, Math.min(latenciesNanos.length - 1, i))] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        int clients = Integer.parseInt(arg(args, "--clients", "8"));
        double rate = Double.parseDouble(arg(args, "--rate", "50"));
        int seconds = Integer.parseInt(arg(args, "--seconds", "10"));
        String flooder = arg(args, "--flooder", pythonAvailable() ? "python" : "jeromq");
        FloodFairness bench = new FloodFairness(clients, rate, seconds, flooder);
        System.out.printf(Locale.ROOT, "flood fairness: %d polite clients at %.0f msg/s each, %d s per phase, %s flooder%n",
                clients, rate, seconds, flooder);
        List<Result> results = new ArrayList<>();
        results.add(bench.phase("no flood", AdmissionConfig.of(Map.of()), false));
        results.add(bench.phase("flood, defaults (quarantine)", AdmissionConfig.of(Map.of()), true));
        results.add(bench.phase("flood, rate limits only", AdmissionConfig.of(Map.of(
                "admission.quarantine.violations", String.valueOf(Integer.MAX_VALUE))), true));
        Result base = results.get(0);
        System.out.println();
        System.out.println("| phase | polite ACKs/s | vs no flood | p50 ms | p99 ms | p99 vs no flood | max ms | failures | flooder sent | flood rate-limited | time to quarantine |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f%% | %.2f | %.2f | %.2fx | %.2f | %d | %d | %d | %s |%n",
                    r.phase(), r.throughput(), 100.0 * r.throughput() / base.throughput(), r.percentileMs(50),
                    r.percentileMs(99), r.percentileMs(99) / base.percentileMs(99), r.percentileMs(100), r.failures(),
                    r.flooderSent(), r.rateLimited(),
                    Double.isNaN(r.secondsToQuarantine()) ? "-" : String.format(Locale.ROOT, "%.3f s", r.secondsToQuarantine()));
        }
    }

    private Result phase(String name, AdmissionConfig admission, boolean flood) throws Exception {
        Path dir = Files.createTempDirectory("egw-fairness");
        // STRING is served by the built-in plugin as a bundle serves it (inline, on the router thread).
        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(dir.resolve("data")));
             PluginHost builtins = BuiltinPlugins.start(dir.resolve("plugins"))) {
            CurveKeyPair serverKeys = CurveKeyPair.generate();
            // A deep receive queue, so that the flood never reaches the pipe limit (zeromq/jeromq#1009); built
            // from settings, not the record's constructor, whose fields change as the core grows.
            GatewayConfig config = GatewayConfig.from(Settings.of(Map.of("gateway.endpoint", "tcp://127.0.0.1:*",
                    "gateway.receive-hwm", "1000000")));
            Gateway gateway = Gateway.start(config, admission, store, serverKeys,
                    builtins, Clock.systemUTC());
            try (ZContext ctx = new ZContext(1)) {
                List<CurveKeyPair> keys = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    CurveKeyPair k = CurveKeyPair.generate();
                    gateway.admin().enrol("polite-" + i, k.publicZ85(), BENCH);
                    keys.add(k);
                }
                CurveKeyPair flooderKeys = CurveKeyPair.generate();
                gateway.admin().enrol("flooder", flooderKeys.publicZ85(), BENCH);

                long warmUp = TimeUnit.SECONDS.toNanos(2);
                long start = System.nanoTime() + warmUp;
                long end = start + TimeUnit.SECONDS.toNanos(seconds);
                List<Polite> polite = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Polite p = new Polite(socket(ctx, gateway, serverKeys, keys.get(i)), rate, start, end);
                    polite.add(p);
                    p.thread.start();
                }
                sleepUntil(start);
                long flooderStart = System.nanoTime();
                AutoCloseable flooder = null;
                AtomicLong flooderSent = new AtomicLong(-1);
                if (flood) {
                    flooder = flooderKind.equals("python")
                            ? pythonFlooder(dir, gateway, serverKeys, flooderKeys, seconds + 1, flooderSent)
                            : jeromqFlooder(ctx, gateway, serverKeys, flooderKeys, flooderSent);
                }
                double toQuarantine = Double.NaN;
                while (System.nanoTime() < end) {
                    if (flood && Double.isNaN(toQuarantine) && gateway.metrics().quarantinesAutomatic() > 0) {
                        toQuarantine = (System.nanoTime() - flooderStart) / 1e9;
                    }
                    Thread.sleep(2);
                }
                for (Polite p : polite) {
                    p.thread.join(15_000);
                }
                if (flooder != null) {
                    flooder.close();
                }
                long acks = 0;
                long failures = 0;
                List<Long> all = new ArrayList<>();
                for (Polite p : polite) {
                    acks += p.acks;
                    failures += p.failures;
                    all.addAll(p.latencies);
                }
                long[] latencies = all.stream().mapToLong(Long::longValue).sorted().toArray();
                Result r = new Result(name, acks, failures, seconds, latencies, flooderSent.get(), toQuarantine,
                        gateway.metrics().rateLimitedMessages());
                System.out.printf(Locale.ROOT, "%s: %.1f ACKs/s, p99 %.2f ms, failures %d, flooder sent %d%n", name,
                        r.throughput(), r.percentileMs(99), failures, flooderSent.get());
                return r;
            } finally {
                gateway.close();
            }
        }
    }

    private static ZMQ.Socket socket(ZContext ctx, Gateway gateway, CurveKeyPair server, CurveKeyPair keys) {
        ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
        s.setLinger(0);
        s.setHandshakeIvl(2000);
        s.setReceiveTimeOut(5000);
        s.setCurveServerKey(server.publicKey());
        s.setCurvePublicKey(keys.publicKey());
        s.setCurveSecretKey(keys.secretKey());
        s.connect(gateway.boundEndpoint());
        return s;
    }

    /** One sensor: a message every 1/rate s, waiting for each answer; latencies recorded inside the window. */
    private static final class Polite {
        final Thread thread;
        final List<Long> latencies = new ArrayList<>();
        long acks;
        long failures;

        Polite(ZMQ.Socket s, double rate, long start, long end) {
            long period = (long) (1e9 / rate);
            byte[] type = "STRING".getBytes(StandardCharsets.US_ASCII);
            byte[] payload = "temperature=21.5".getBytes(StandardCharsets.US_ASCII);
            thread = new Thread(() -> {
                long next = System.nanoTime();
                while (true) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        break;
                    }
                    s.send(type, ZMQ.SNDMORE);
                    s.send(payload, 0);
                    byte[] status = s.recv(0);
                    while (status != null && s.hasReceiveMore()) {
                        s.recv(0);
                    }
                    long took = System.nanoTime() - now;
                    if (now >= start) {
                        if (status != null && new String(status, StandardCharsets.US_ASCII).equals("ACK")) {
                            acks++;
                            latencies.add(took);
                        } else {
                            failures++;
                        }
                    }
                    next = Math.max(next + period, System.nanoTime() - period);
                    sleepUntil(next);
                }
            }, "polite");
        }
    }

    private static AutoCloseable jeromqFlooder(ZContext ctx, Gateway gateway, CurveKeyPair server, CurveKeyPair keys,
                                               AtomicLong sent) {
        ZMQ.Socket s = socket(ctx, gateway, server, keys);
        s.setSndHWM(1_000_000);
        s.setRcvHWM(1_000_000);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread t = new Thread(() -> {
            byte[] type = "STRING".getBytes(StandardCharsets.US_ASCII);
            byte[] payload = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".getBytes(StandardCharsets.US_ASCII);
            long n = 0;
            while (running.get()) {
                for (int i = 0; i < 256; i++) {
                    if (!s.send(type, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                        break;
                    }
                    s.send(payload, ZMQ.DONTWAIT);
                    n++;
                }
                while (s.recv(ZMQ.DONTWAIT) != null) {
                    // drain answers
                }
            }
            sent.set(n);
        }, "flooder");
        t.start();
        return () -> {
            running.set(false);
            t.join(10_000);
        };
    }

    private static AutoCloseable pythonFlooder(Path dir, Gateway gateway, CurveKeyPair server, CurveKeyPair keys,
                                               int seconds, AtomicLong sent) throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        ZCertFiles.writePair(certs, "flooder", keys, Map.of("name", "flooder"));
        ZCertFiles.writePublic(certs.resolve("server.key"), ZCert.ofPublic(server.publicKey(), Map.of()));
        Path script = dir.resolve("flooder.py");
        try (InputStream in = FloodFairness.class.getResourceAsStream("/python/flooder.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), gateway.boundEndpoint(),
                certs.resolve("flooder.key_secret").toString(), certs.resolve("server.key").toString(),
                String.valueOf(seconds)).redirectErrorStream(true).start();
        return () -> {
            if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            for (String kv : out.split("\\s+")) {
                if (kv.startsWith("sent=")) {
                    sent.set(Long.parseLong(kv.substring(5)));
                }
            }
        };
    }

    private static boolean pythonAvailable() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import zmq").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static void sleepUntil(long deadline) {
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String arg(String[] args, String name, String def) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
    }
}
