package org.edgegateway.core.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgegateway.protocol.ErrorCode;

/**
 * The gateway's recent counters as a series of equal intervals, oldest first, for charts that are
 * full when a page opens. Point {@code i} covers the {@code stepSeconds} that end at
 * {@code end - (points - 1 - i) * stepSeconds}; points start on whole multiples of the step (whole
 * minutes for {@link Resolution#ONE_MINUTE}). The newest point of a minute series may still be
 * filling, so its end may lie in the future. Every array has {@code points} elements and is the
 * caller's own copy; like every record with arrays, {@code equals} compares the arrays by identity.
 *
 * @param end               the end of the newest point; with no point yet, the time the history began
 * @param messagesIn        messages received from authenticated clients
 * @param messagesOut       answers sent (ACK, PONG and ERROR)
 * @param bytesIn           bytes of the messages received, every frame after the routing id
 * @param bytesOut          bytes of the answers handed to the socket, counted the same way
 * @param errorsByCode      ERROR answers, by protocol error code; every code present
 * @param handshakesRefused handshakes the ZAP handler refused, every reason together
 * @param connectedClients  authenticated connections at the end of the point (a sample, not a sum)
 * @param cpuMillis         processor time the gateway's process used in the point, all threads together
 * @param heapUsedBytes     heap in use at the end of the point (a sample)
 */
public record MetricHistoryView(Resolution resolution, long stepSeconds, Instant end, int points,
                                long[] messagesIn, long[] messagesOut, long[] bytesIn, long[] bytesOut,
                                Map<String, long[]> errorsByCode, long[] handshakesRefused,
                                long[] connectedClients, long[] cpuMillis, long[] heapUsedBytes) {

    /** A series of no points ending {@code at}, as a gateway that is not running has. */
    public static MetricHistoryView empty(Resolution resolution, Instant at) {
        long[] none = new long[0];
        Map<String, long[]> errors = new LinkedHashMap<>();
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code.name(), none);
        }
        return new MetricHistoryView(resolution, resolution.step().toSeconds(), at, 0, none, none, none, none, errors,
                none, none, none, none);
    }

    /** How fine a series is, and how far back it reaches. */
    public enum Resolution {
        /** 10-second points for the last hour. */
        TEN_SECONDS(Duration.ofSeconds(10), 360),
        /** One-minute points for the last 24 hours. */
        ONE_MINUTE(Duration.ofMinutes(1), 1440);

        private final Duration step;
        private final int points;

        Resolution(Duration step, int points) {
            this.step = step;
            this.points = points;
        }

        /** The length of one point. */
        public Duration step() {
            return step;
        }

        /** The most points a series of this resolution keeps. */
        public int points() {
            return points;
        }
    }
}
