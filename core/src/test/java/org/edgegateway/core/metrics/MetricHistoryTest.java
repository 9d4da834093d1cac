package org.edgegateway.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.edgegateway.core.GatewayMetrics;
import org.edgegateway.core.admin.MetricHistoryView;
import org.edgegateway.core.admin.MetricHistoryView.Resolution;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.core.testing.MutableClock;
import org.edgegateway.protocol.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sampler driven by hand over counters the test moves, on a clock the test moves. */
@Timeout(60)
class MetricHistoryTest {
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final AtomicInteger connected = new AtomicInteger();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:03Z"));
    private final MetricHistory history = new MetricHistory(metrics, connected::get, new ProcessProbe(), clock);

    @Test
    void twoHoursOfSamplesKeepTheLastHourInTenSecondPointsAndEveryMinuteSummed() {
        // Sample k (k = 1..720) ends at 10:00:00 + 10 s * k and counts k messages and k mod 3 errors of one code.
        ErrorCode[] codes = ErrorCode.values();
        for (int k = 1; k <= 720; k++) {
            for (int m = 0; m < k; m++) {
                metrics.countIn(2);
            }
            for (int e = 0; e < k % 3; e++) {
                metrics.countError(codes[k % codes.length]);
            }
            connected.set(k);
            clock.set(Instant.parse("2026-03-01T10:00:00Z"));
            clock.advance(Duration.ofSeconds(10L * k));
            history.sample();
        }

        MetricHistoryView ten = history.view(Resolution.TEN_SECONDS);
        assertThat(ten.points()).isEqualTo(360);
        assertThat(ten.stepSeconds()).isEqualTo(10);
        assertThat(ten.end()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
        assertThat(ten.messagesIn()).containsExactly(LongStream.rangeClosed(361, 720).toArray());
        assertThat(ten.bytesIn()).containsExactly(LongStream.rangeClosed(361, 720).map(k -> 2 * k).toArray());
        assertThat(ten.connectedClients()).containsExactly(LongStream.rangeClosed(361, 720).toArray());
        for (int c = 0; c < codes.length; c++) {
            int code = c;
            assertThat(ten.errorsByCode().get(codes[c].name())).as(codes[c].name()).containsExactly(
                    LongStream.rangeClosed(361, 720).map(k -> k % codes.length == code ? k % 3 : 0).toArray());
        }
        assertThat(ten.errorsByCode()).hasSize(codes.length);

        MetricHistoryView minutes = history.view(Resolution.ONE_MINUTE);
        assertThat(minutes.points()).isEqualTo(120);
        assertThat(minutes.stepSeconds()).isEqualTo(60);
        assertThat(minutes.end()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
        // Minute j (1..120) holds samples 6j-5 .. 6j; its gauge is the last of them.
        assertThat(minutes.messagesIn()).containsExactly(LongStream.rangeClosed(1, 120)
                .map(j -> LongStream.rangeClosed(6 * j - 5, 6 * j).sum()).toArray());
        assertThat(minutes.connectedClients()).containsExactly(LongStream.rangeClosed(1, 120).map(j -> 6 * j).toArray());
        long errors = 0;
        for (long[] perCode : minutes.errorsByCode().values()) {
            errors += LongStream.of(perCode).sum();
        }
        assertThat(errors).isEqualTo(LongStream.rangeClosed(1, 720).map(k -> k % 3).sum());
    }

    @Test
    void aSampleGoesToTheNearestTenSecondsAndTheMinuteThatPointBelongsTo() {
        metrics.countIn(10);
        clock.set(Instant.parse("2026-03-01T10:00:09.700Z"));
        history.sample();
        metrics.countIn(10);
        clock.set(Instant.parse("2026-03-01T10:00:12Z"));
        history.sample();
        metrics.countIn(10);
        metrics.countIn(10);
        clock.set(Instant.parse("2026-03-01T10:01:00.040Z"));
        history.sample();

        MetricHistoryView ten = history.view(Resolution.TEN_SECONDS);
        assertThat(ten.end()).isEqualTo(Instant.parse("2026-03-01T10:01:00Z"));
        assertThat(ten.messagesIn()).containsExactly(2, 0, 0, 0, 0, 2);
        MetricHistoryView minutes = history.view(Resolution.ONE_MINUTE);
        assertThat(minutes.end()).isEqualTo(Instant.parse("2026-03-01T10:01:00Z"));
        assertThat(minutes.messagesIn()).containsExactly(4);

        metrics.countIn(10);
        clock.set(Instant.parse("2026-03-01T10:01:10Z"));
        history.sample();
        assertThat(history.view(Resolution.ONE_MINUTE).messagesIn()).as("the minute still filling is shown")
                .containsExactly(4, 1);
        assertThat(history.view(Resolution.ONE_MINUTE).end()).isEqualTo(Instant.parse("2026-03-01T10:02:00Z"));
    }

    @Test
    void beforeTheFirstSampleTheSeriesAreEmptyAndEndWhenTheHistoryBegan() {
        MetricHistoryView v = history.view(Resolution.ONE_MINUTE);
        assertThat(v.points()).isZero();
        assertThat(v.end()).isEqualTo(Instant.parse("2026-03-01T10:00:03Z"));
        assertThat(v.messagesIn()).isEmpty();
        assertThat(v.errorsByCode()).hasSize(ErrorCode.values().length).allSatisfy((code, points) ->
                assertThat(points).isEmpty());
        assertThat(history.process(Instant.parse("2026-03-01T09:59:03Z")).cpuUsage()).isEqualTo(-1);
    }

    @Test
    void theProcessIsDescribedWithItsUptimeAndTheCpuOfTheLastPoint() {
        clock.set(Instant.parse("2026-03-01T10:00:10Z"));
        history.sample();
        var p = history.process(Instant.parse("2026-03-01T09:00:10Z"));
        assertThat(p.uptimeSeconds()).isEqualTo(3600);
        assertThat(p.version()).isEqualTo(ProcessProbe.DEVELOPMENT);
        assertThat(p.heapUsedBytes()).isPositive();
        assertThat(p.processors()).isPositive();
        assertThat(p.cpuUsage()).isBetween(0.0, 1.0);
    }

    @Test
    void onAnExecutorItSamplesOnTheClocksNextTenSeconds() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            clock.set(Instant.parse("2026-03-01T10:00:09.950Z"));
            metrics.countIn(1);
            history.sampleOn(executor);
            assertThat(GatewayFixture.await(Duration.ofSeconds(10),
                    () -> history.view(Resolution.TEN_SECONDS).points() == 1)).isTrue();
            MetricHistoryView v = history.view(Resolution.TEN_SECONDS);
            assertThat(v.end()).isEqualTo(Instant.parse("2026-03-01T10:00:10Z"));
            assertThat(v.messagesIn()).containsExactly(1);
        } finally {
            executor.shutdownNow();
        }
    }
}
