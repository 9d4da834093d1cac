package org.edgegateway.core.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.edgegateway.core.admin.RecentMessage;
import org.junit.jupiter.api.Test;

class RecentLogTest {
    private static final Instant TURN = Instant.parse("2026-12-04T10:00:00.000001Z");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void messagesReadInOneTurnOnDifferentLanesComeNewestFirstByTheOrderTheyWereAnswered() {
        RecentLog strings = new RecentLog(10, 16);
        RecentLog binaries = new RecentLog(10, 16);
        // One router turn read "first" and, after its answer went out, "second": both carry the turn's time.
        strings.record(1, "sensor-1", "STRING", TURN, utf8("first"), "ACK", "ok");
        binaries.record(2, "sensor-1", "BINARY", TURN, utf8("second"), "ACK", "ok");
        strings.record(3, "sensor-1", "STRING", TURN.plusMillis(1), utf8("third"), "ACK", "ok");

        for (List<RecentLog> logs : List.of(List.of(strings, binaries), List.of(binaries, strings))) {
            assertThat(RecentLog.newestFirst(logs, "sensor-1", 10)).extracting(RecentMessage::preview)
                    .containsExactly("third", "second", "first");
        }
        assertThat(RecentLog.newestFirst(List.of(strings, binaries), "sensor-1", 2)).extracting(RecentMessage::preview)
                .containsExactly("third", "second");
        assertThat(RecentLog.newestFirst(List.of(strings, binaries), "quiet", 10)).isEmpty();
    }

    @Test
    void anEarlierReceiveTimeRanksOlderWhateverTheOrderOfAnswers() {
        RecentLog slow = new RecentLog(10, 16);
        RecentLog fast = new RecentLog(10, 16);
        // A slow lane answers a message received earlier after a fast lane answered a later one.
        fast.record(1, "sensor-1", "FAST", TURN.plusMillis(5), utf8("later"), "ACK", "ok");
        slow.record(2, "sensor-1", "SLOW", TURN, utf8("earlier"), "ACK", "ok");

        assertThat(RecentLog.newestFirst(List.of(slow, fast), "sensor-1", 10)).extracting(RecentMessage::preview)
                .containsExactly("later", "earlier");
    }

    @Test
    void aRingKeepsTheLastMessagesOfAClientAndAPreviewOfLargeOnes() {
        RecentLog log = new RecentLog(2, 16);
        log.record(1, "sensor-1", "STRING", TURN, utf8("one"), "ACK", "ok");
        log.record(2, "sensor-1", "STRING", TURN, utf8("two"), "ACK", "ok");
        log.record(3, "sensor-1", "STRING", TURN, utf8("x".repeat(1000)), "ERROR", "BAD_PAYLOAD");

        List<RecentMessage> recent = RecentLog.newestFirst(List.of(log), "sensor-1", 10);
        assertThat(recent).extracting(RecentMessage::size).containsExactly(1000, 3);
        assertThat(recent.get(0).preview()).hasSize(RecentLog.PREVIEW);
        assertThat(recent.get(1).preview()).isEqualTo("two");
    }
}
