package org.edgegateway.client.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.edgegateway.client.GatewayClient;
import org.edgegateway.client.GatewayClientException;
import org.edgegateway.protocol.Reply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench}: a closed-loop load generator. Each of N clients keeps up to W requests in flight
 * (optionally paced to a total rate), latencies go to an HdrHistogram {@link Recorder}; a progress
 * line goes to stderr every second and a summary to stdout at the end. Not thread-safe: run once.
 */
@Command(name = "bench", description = {
    "Load the gateway from N clients for S seconds and print messages/s, latency percentiles",
    "and errors by code. Every client must be allowed by the gateway: all use the bundle's key."})
final class BenchCommand implements Callable<Integer> {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "1", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "10", description = "Seconds to run (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--size", paramLabel = "B", defaultValue = "64", description = "Payload bytes (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--window", paramLabel = "W", defaultValue = "1",
            description = "Requests in flight per client (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
            description = "Total messages per second over all clients; 0 = as fast as replies come (default).")
    double rate;

    @Option(names = "--type", paramLabel = "T", defaultValue = "STRING",
            description = "Message type, one the gateway serves (default: ${DEFAULT-VALUE}, a built-in type).")
    String type;

    @Spec
    CommandSpec spec;

    private final Recorder recorder = new Recorder(3_600_000_000L, 3);
    private final LongAdder acks = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Printable ASCII: valid for STRING, and for most text types a gateway serves.
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + ThreadLocalRandom.current().nextInt(26));
        }
        List<GatewayClient> opened = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                opened.add(connection.builder().maxInFlight(Math.max(window + 16, 500)).build());
            }
            for (GatewayClient c : opened) {
                c.ping();
            }
            return run(opened, payload, out, err);
        } finally {
            for (GatewayClient c : opened) {
                c.close();
            }
        }
    }

    private void validate() {
        if (clients < 1 || clients > 10_000) {
            throw new IllegalArgumentException("--clients must be 1-10000: " + clients);
        }
        if (!(durationSeconds > 0) || durationSeconds > 86_400) {
            throw new IllegalArgumentException("--duration must be between 0 and 86400 seconds: " + durationSeconds);
        }
        if (size < 0 || size > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("--size must be 0-67108864 bytes: " + size);
        }
        if (window < 1 || window > 100_000) {
            throw new IllegalArgumentException("--window must be 1-100000: " + window);
        }
        if (!(rate >= 0)) {
            throw new IllegalArgumentException("--rate must be >= 0: " + rate);
        }
    }

    private int run(List<GatewayClient> opened, byte[] payload, PrintWriter out, PrintWriter err) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + (long) (durationSeconds * NANOS_PER_SECOND);
        long interval = rate > 0 ? (long) (NANOS_PER_SECOND * clients / rate) : 0;
        List<Thread> drivers = new ArrayList<>();
        for (GatewayClient c : opened) {
            Thread t = new Thread(() -> drive(c, payload, start, end, interval), "egw-bench-" + drivers.size());
            t.setDaemon(true);
            drivers.add(t);
            t.start();
        }
        Histogram total = new Histogram(3_600_000_000L, 3);
        long lastCount = 0;
        long lastTick = start;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            long now = System.nanoTime();
            total.add(recorder.getIntervalHistogram());
            long count = acks.sum() + errors.sum();
            double perSecond = (count - lastCount) * (double) NANOS_PER_SECOND / Math.max(1, now - lastTick);
            err.printf("\r[%5.1fs] %,d replies  %,.0f msg/s  errors %,d  p99 %.3f ms   ",
                    (now - start) / 1e9, count, perSecond, errors.sum(), total.getValueAtPercentile(99) / 1000.0);
            err.flush();
            lastCount = count;
            lastTick = now;
        }
        long inWindow = acks.sum() + errors.sum();
        long measured = System.nanoTime() - start;
        for (Thread t : drivers) {
            t.join(connection.timeout().toMillis() + 10_000);
        }
        total.add(recorder.getIntervalHistogram());
        err.println();
        err.flush();
        printSummary(out, total, inWindow, measured);
        long replies = acks.sum() + errors.sum();
        if (replies == 0) {
            return ExitCodes.UNREACHABLE;
        }
        if (errors.sum() * 2 > replies) {
            // Most replies were refusals: the figures above measure the gateway saying no, not serving.
            err.printf("bench: WARNING: %,d of %,d replies were errors (%s); these figures are not a measure of"
                    + " serving %s messages. Check --type (the gateway must serve it) and the client's rate limits.%n",
                    errors.sum(), replies, topErrors(), type);
            err.flush();
            return ExitCodes.ERROR_REPLY;
        }
        return ExitCodes.OK;
    }

    /** One client's loop: keeps {@code window} requests in flight until {@code end}, then waits for them. */
    private void drive(GatewayClient client, byte[] payload, long start, long end, long interval) {
        Semaphore slots = new Semaphore(window);
        long next = start + (interval > 0 ? ThreadLocalRandom.current().nextLong(interval) : 0);
        Duration timeout = connection.timeout();
        try {
            while (System.nanoTime() < end) {
                if (!slots.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                if (interval > 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    next += interval;
                }
                long sent = System.nanoTime();
                CompletableFuture<Reply> f = client.sendAsync(type, payload, timeout);
                f.whenComplete((reply, failure) -> {
                    long micros = Math.max(1, (System.nanoTime() - sent) / 1000);
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        count(cause instanceof GatewayClientException g ? g.kind().name() : cause.getClass().getSimpleName());
                    } else if (reply.isAck()) {
                        recorder.recordValue(Math.min(micros, 3_600_000_000L));
                        acks.increment();
                    } else {
                        recorder.recordValue(Math.min(micros, 3_600_000_000L));
                        count(reply.code().name());
                    }
                    slots.release();
                });
            }
            slots.tryAcquire(window, timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String topErrors() {
        Map<String, Long> sorted = new TreeMap<>();
        errorsByCode.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted.toString();
    }

    private void count(String code) {
        errors.increment();
        errorsByCode.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    private void printSummary(PrintWriter out, Histogram h, long inWindow, long measuredNanos) {
        double seconds = measuredNanos / 1e9;
        out.printf("bench: %d client(s) x window %d, %d-byte payloads, type %s, %.1f s%s%n", clients, window, size, type,
                seconds, rate > 0 ? String.format(", paced to %.0f msg/s", rate) : "");
        out.printf("replies:    %,d (ACK %,d, errors %,d)%n", acks.sum() + errors.sum(), acks.sum(), errors.sum());
        out.printf("throughput: %,.1f msg/s%n", inWindow / seconds);
        if (h.getTotalCount() > 0) {
            out.printf("latency:    p50 %.3f ms  p95 %.3f ms  p99 %.3f ms  max %.3f ms  (%,d samples)%n",
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
        } else {
            out.println("latency:    no replies");
        }
        if (errorsByCode.isEmpty()) {
            out.println("errors:     none");
        } else {
            Map<String, Long> sorted = new TreeMap<>();
            errorsByCode.forEach((k, v) -> sorted.put(k, v.sum()));
            StringBuilder line = new StringBuilder("errors:    ");
            sorted.forEach((k, v) -> line.append(' ').append(k).append(' ').append(String.format("%,d", v)));
            out.println(line);
        }
        out.flush();
    }
}
