package org.edgegateway.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.testing.GatewayFixture.await;
import static org.edgegateway.core.testing.GatewayFixture.receive;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.admin.MetricHistoryView;
import org.edgegateway.core.admin.MetricHistoryView.Resolution;
import org.edgegateway.core.admin.ProcessView;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.core.testing.MutableClock;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.protocol.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A real gateway's counters as its history records them: messages over real CURVE sockets land in
 * the 10-second point they were sent in, by code for errors. The history here reads the gateway's
 * own counters on a clock the test moves, and is sampled by the test (the gateway's own samples
 * on the wall clock are not looked at, except through the admin service at the end).
 */
@Timeout(120)
class MetricHistoryGatewayTest {

    private static long size(String... frames) {
        long n = 0;
        for (String f : frames) {
            n += f.getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    private static long size(List<byte[]> frames) {
        return frames.stream().mapToLong(f -> f.length).sum();
    }

    @Test
    void messagesErrorsAndRefusalsLandInTheirOwnPoints(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            Gateway g = gw.gateway();
            MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:01Z"));
            MetricHistory history = new MetricHistory(g.metrics(), () -> g.router().connections().size(),
                    new ProcessProbe(), clock);
            ZMQ.Socket sensor = gw.dealer(gw.enrol("sensor-1"));

            // 10:00:00-10:00:10: three readings, one versioned PING.
            long in = 0;
            long out = 0;
            for (int i = 0; i < 3; i++) {
                send(sensor, "STRING", "reading " + i);
                in += size("STRING", "reading " + i);
                List<byte[]> reply = receive(sensor);
                assertThat(new String(reply.get(0), StandardCharsets.UTF_8)).isEqualTo("ACK");
                out += size(reply);
            }
            send(sensor, "EGW/1", "p-1", "PING");
            in += size("EGW/1", "p-1", "PING");
            List<byte[]> pong = receive(sensor);
            assertThat(new String(pong.get(2), StandardCharsets.UTF_8)).isEqualTo("PONG");
            out += size(pong);
            // The connection table is published for other threads at most 250 ms late.
            assertThat(await(Duration.ofSeconds(10), () -> g.router().connections().size() == 1)).isTrue();
            clock.set(Instant.parse("2026-03-01T10:00:10Z"));
            history.sample();

            // 10:00:10-10:00:20: two unknown types and a malformed message.
            send(sensor, "NOPE", "x");
            assertThat(receiveText(sensor).get(1)).startsWith("UNKNOWN_TYPE");
            send(sensor, "NOPE", "y");
            assertThat(receiveText(sensor).get(1)).startsWith("UNKNOWN_TYPE");
            send(sensor, "no such type", "z");
            assertThat(receiveText(sensor).get(1)).startsWith("BAD_FRAME");
            clock.set(Instant.parse("2026-03-01T10:00:20Z"));
            history.sample();

            // 10:00:20-10:00:30: a key nobody enrolled knocks.
            ZMQ.Socket stranger = gw.connect(SocketType.DEALER, CurveKeyPair.generate(), null);
            send(stranger, "STRING", "let me in");
            assertThat(await(Duration.ofSeconds(20), () -> g.metrics().handshakesRefused() > 0)).isTrue();
            gw.disconnect(stranger);
            clock.set(Instant.parse("2026-03-01T10:00:30Z"));
            history.sample();

            MetricHistoryView v = history.view(Resolution.TEN_SECONDS);
            assertThat(v.points()).isEqualTo(3);
            assertThat(v.end()).isEqualTo(Instant.parse("2026-03-01T10:00:30Z"));
            assertThat(v.messagesIn()).containsExactly(4, 3, 0);
            assertThat(v.messagesOut()).containsExactly(4, 3, 0);
            assertThat(v.bytesIn()[0]).isEqualTo(in);
            assertThat(v.bytesOut()[0]).isEqualTo(out);
            assertThat(v.errorsByCode().get(ErrorCode.UNKNOWN_TYPE.name())).containsExactly(0, 2, 0);
            assertThat(v.errorsByCode().get(ErrorCode.BAD_FRAME.name())).containsExactly(0, 1, 0);
            v.errorsByCode().forEach((code, points) -> {
                if (!code.equals("UNKNOWN_TYPE") && !code.equals("BAD_FRAME")) {
                    assertThat(points).as(code).containsOnly(0);
                }
            });
            assertThat(v.handshakesRefused()[0]).isZero();
            assertThat(v.handshakesRefused()[1]).isZero();
            assertThat(v.handshakesRefused()[2]).isPositive();
            assertThat(v.connectedClients()).containsExactly(1, 1, 1);

            MetricHistoryView minute = history.view(Resolution.ONE_MINUTE);
            assertThat(minute.points()).isOne();
            assertThat(minute.end()).isEqualTo(Instant.parse("2026-03-01T10:01:00Z"));
            assertThat(minute.messagesIn()).containsExactly(7);
            assertThat(minute.errorsByCode().get(ErrorCode.UNKNOWN_TYPE.name())).containsExactly(2);

            // The gateway's own history, through its admin service.
            MetricHistoryView own = g.admin().metricHistory(Resolution.TEN_SECONDS);
            assertThat(own.stepSeconds()).isEqualTo(10);
            assertThat(own.messagesIn()).hasSize(own.points());
            ProcessView p = g.admin().processInfo();
            assertThat(p.startedAt()).isBeforeOrEqualTo(Instant.now());
            assertThat(p.heapUsedBytes()).isPositive();
        }
    }
}
