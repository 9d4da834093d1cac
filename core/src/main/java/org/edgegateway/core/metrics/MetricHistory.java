package org.edgegateway.core.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.edgegateway.core.GatewayMetrics;
import org.edgegateway.core.admin.MetricHistoryView;
import org.edgegateway.core.admin.MetricHistoryView.Resolution;
import org.edgegateway.core.admin.ProcessView;
import org.edgegateway.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's counters of the last hour in 10-second points and of the last day in one-minute
 * points, so that the admin page's charts are full when it opens. Thread-safe: one thread at a
 * time samples ({@link #sampleOn} schedules that on the gateway's housekeeping thread), any thread
 * reads {@link #view views}. The rings are guarded by {@code lock} and nothing but copying runs
 * under it: the counters, the connection table and the JVM are read before it is taken.
 *
 * <p>A sample, every 10 seconds on the clock's whole multiples, takes what the counters of
 * {@link GatewayMetrics} moved since the previous one and adds it to the 10-second point whose end
 * is nearest, and to the minute that point belongs to; the connection count and the heap in use
 * are sampled as they are. A sample that comes late (a stalled JVM) puts everything since the
 * previous one in its own point and leaves the points between empty.
 *
 * <p>Cost: nothing on the message path (the router counts what it counts anyway). Every 10
 * seconds, one look at the connection table (a command to the router, as the admin page's own
 * polls make) and a walk over the counters. Memory: two rings of 19 longs a point, 360 + 1,440
 * points, 273,600 bytes allocated once; a view copies what it returns (at most 218,880 bytes for
 * the day).
 */
public final class MetricHistory {
    private static final Logger LOG = LoggerFactory.getLogger(MetricHistory.class);
    private static final ErrorCode[] CODES = ErrorCode.values();
    private static final long SAMPLE_MILLIS = Resolution.TEN_SECONDS.step().toMillis();

    // The columns of a point: the counters, then the gauges (the layout HistoryRing expects).
    private static final int MESSAGES_IN = 0;
    private static final int MESSAGES_OUT = 1;
    private static final int BYTES_IN = 2;
    private static final int BYTES_OUT = 3;
    private static final int REFUSED = 4;
    private static final int CPU_MILLIS = 5;
    private static final int ERRORS = 6;
    private static final int CONNECTED = ERRORS + CODES.length;
    private static final int HEAP_USED = CONNECTED + 1;
    private static final int COLUMNS = HEAP_USED + 1;

    private final GatewayMetrics metrics;
    private final IntSupplier connectedClients;
    private final ProcessProbe process;
    private final Clock clock;
    private final Instant began;
    private final Object lock = new Object();
    /** Guarded by {@code lock}. */
    private final HistoryRing tenSeconds = ring(Resolution.TEN_SECONDS);
    /** Guarded by {@code lock}. */
    private final HistoryRing minutes = ring(Resolution.ONE_MINUTE);
    /** The counters at the previous sample; the sampling thread's own. */
    private final long[] previous;
    private long previousMillis;
    private volatile double cpuUsage = -1;

    /**
     * A history of {@code metrics} from now on; {@code connectedClients} is asked once a sample (off
     * the router thread).
     */
    public MetricHistory(GatewayMetrics metrics, IntSupplier connectedClients, ProcessProbe process, Clock clock) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.connectedClients = Objects.requireNonNull(connectedClients, "connectedClients");
        this.process = Objects.requireNonNull(process, "process");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.began = clock.instant();
        this.previous = counters();
        this.previousMillis = began.toEpochMilli();
    }

    private static HistoryRing ring(Resolution r) {
        return new HistoryRing(r.step().toMillis(), r.points(), COLUMNS, CONNECTED);
    }

    /**
     * Samples every 10 seconds on {@code executor}, at the clock's whole multiples of 10 seconds,
     * until the executor shuts down. Each run schedules the next, so the samples follow the clock.
     */
    public void sampleOn(ScheduledExecutorService executor) {
        long now = clock.millis();
        long delay = (Math.floorDiv(now, SAMPLE_MILLIS) + 1) * SAMPLE_MILLIS - now;
        try {
            executor.schedule(() -> {
                try {
                    sample();
                } catch (RuntimeException e) {
                    LOG.warn("history: sampling the gateway's counters failed: {}", e.toString());
                } finally {
                    sampleOn(executor);
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("history: sampling ends, the executor is shut down");
        }
    }

    /** Takes a sample now. Called by one thread at a time. */
    void sample() {
        long now = clock.millis();
        long[] counters = counters();
        long[] point = new long[COLUMNS];
        for (int c = 0; c < CONNECTED; c++) {
            point[c] = counters[c] - previous[c];
        }
        point[CONNECTED] = connectedClients.getAsInt();
        point[HEAP_USED] = process.heapUsedBytes();
        long elapsed = now - previousMillis;
        if (counters[CPU_MILLIS] < 0) {
            point[CPU_MILLIS] = 0;
            cpuUsage = -1;
        } else if (elapsed > 0) {
            cpuUsage = Math.min(1.0, (double) point[CPU_MILLIS] / ((double) elapsed * process.processors()));
        }
        System.arraycopy(counters, 0, previous, 0, CONNECTED);
        previousMillis = now;
        long tenEnd = Math.floorDiv(now + SAMPLE_MILLIS / 2, SAMPLE_MILLIS) * SAMPLE_MILLIS;
        long minute = Resolution.ONE_MINUTE.step().toMillis();
        long minuteEnd = Math.floorDiv(tenEnd + minute - 1, minute) * minute;
        synchronized (lock) {
            tenSeconds.add(tenEnd, point);
            minutes.add(minuteEnd, point);
        }
    }

    /** The counters' totals now, in the columns' order (gauges excluded). */
    private long[] counters() {
        long[] c = new long[CONNECTED];
        c[MESSAGES_IN] = metrics.messagesIn();
        c[MESSAGES_OUT] = metrics.replies();
        c[BYTES_IN] = metrics.bytesIn();
        c[BYTES_OUT] = metrics.bytesOut();
        c[REFUSED] = metrics.handshakesRefused();
        long cpu = process.cpuNanos();
        c[CPU_MILLIS] = cpu < 0 ? -1 : cpu / 1_000_000;
        for (int i = 0; i < CODES.length; i++) {
            c[ERRORS + i] = metrics.errors(CODES[i]);
        }
        return c;
    }

    /** The points of {@code resolution} so far, oldest first; a copy. */
    public MetricHistoryView view(Resolution resolution) {
        HistoryRing ring = switch (Objects.requireNonNull(resolution, "resolution")) {
            case TEN_SECONDS -> tenSeconds;
            case ONE_MINUTE -> minutes;
        };
        synchronized (lock) {
            Map<String, long[]> errors = new LinkedHashMap<>();
            for (int i = 0; i < CODES.length; i++) {
                errors.put(CODES[i].name(), ring.column(ERRORS + i));
            }
            Instant end = ring.size() == 0 ? began : Instant.ofEpochMilli(ring.end());
            return new MetricHistoryView(resolution, ring.stepMillis() / 1000, end, ring.size(),
                    ring.column(MESSAGES_IN), ring.column(MESSAGES_OUT), ring.column(BYTES_IN), ring.column(BYTES_OUT),
                    errors, ring.column(REFUSED), ring.column(CONNECTED), ring.column(CPU_MILLIS),
                    ring.column(HEAP_USED));
        }
    }

    /** The process now, for a gateway serving since {@code startedAt}. */
    public ProcessView process(Instant startedAt) {
        return new ProcessView(process.version(), startedAt,
                Math.max(0, Duration.between(startedAt, clock.instant()).toSeconds()), process.heapUsedBytes(),
                process.heapMaxBytes(), process.processors(), cpuUsage);
    }
}
