package org.edgegateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queueing after a local ACK, the bound, and the durable order, without sockets. */
class ForwardingHandlersTest {
    @TempDir
    Path dir;

    /** Accepts payloads other than "bad", counting calls. */
    static final class Counting implements MessageHandler {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Set<String> types() {
            return Set.of("JSON", "LOCAL");
        }

        @Override
        public HandlerResult handle(HandlerMessage m) {
            calls.incrementAndGet();
            return m.payloadText().equals("bad") ? HandlerResult.badPayload("bad") : HandlerResult.ack("ok");
        }
    }

    private static UplinkConfig config(int max, Set<String> types) {
        return new UplinkConfig(Path.of("bundle"), "", types, max, 8, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    private static HandlerMessage message(String type, String payload) {
        return new HandlerMessage("sensor-1", "KEY1", type, payload.getBytes(StandardCharsets.UTF_8),
                Instant.parse("2026-01-01T00:00:00Z"), "127.0.0.1:5");
    }

    @Test
    void onlyAckedMessagesOfForwardedTypesAreQueuedInOrderAndSurviveAReopen() throws Exception {
        Counting local = new Counting();
        try (UplinkQueue queue = UplinkQueue.open(dir, 100)) {
            HandlerLookup lookup = new ForwardingHandlers(HandlerLookup.of(local), queue, config(100, Set.of("JSON")));
            assertThat(lookup.route("JSON").handler().handle(message("JSON", "1")).isAck()).isTrue();
            assertThat(lookup.route("JSON").handler().handle(message("JSON", "bad")).isAck()).isFalse();
            assertThat(lookup.route("LOCAL").handler().handle(message("LOCAL", "3")).isAck()).isTrue();
            assertThat(lookup.route("JSON").handler().handle(message("JSON", "4")).isAck()).isTrue();
            assertThat(lookup.route("NONE")).isNull();
            assertThat(lookup.route("JSON").nonBlocking()).as("queueing is disk I/O").isFalse();
            assertThat(queue.size()).isEqualTo(2);
        }
        try (UplinkQueue queue = UplinkQueue.open(dir, 100)) {
            assertThat(queue.peek(10)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                    .containsExactly("1", "4");
            assertThat(queue.peek(10).get(0).sensor()).isEqualTo("sensor-1");
            assertThat(queue.size()).isEqualTo(2);
        }
    }

    @Test
    void aFullQueueAnswersBusyWithoutRunningTheLocalHandler() throws Exception {
        Counting local = new Counting();
        try (UplinkQueue queue = UplinkQueue.open(dir, 2)) {
            HandlerLookup lookup = new ForwardingHandlers(HandlerLookup.of(local), queue, config(2, Set.of()));
            lookup.route("JSON").handler().handle(message("JSON", "1"));
            lookup.route("JSON").handler().handle(message("JSON", "2"));
            HandlerResult third = lookup.route("JSON").handler().handle(message("JSON", "3"));
            assertThat(third.outcome()).isEqualTo(HandlerResult.Outcome.BUSY);
            assertThat(third.detail()).contains("uplink queue is full");
            assertThat(local.calls).hasValue(2);
            queue.delete(java.util.List.of(queue.peek(1).get(0).seq()));
            assertThat(lookup.route("JSON").handler().handle(message("JSON", "3")).isAck()).isTrue();
        }
    }

    @Test
    void messageIdsAreStableAcrossReopensAndDifferBetweenQueues() {
        byte[] first;
        try (UplinkQueue queue = UplinkQueue.open(dir.resolve("a"), 10)) {
            first = queue.messageId(5);
        }
        try (UplinkQueue queue = UplinkQueue.open(dir.resolve("a"), 10)) {
            assertThat(queue.messageId(5)).isEqualTo(first).hasSize(16);
        }
        try (UplinkQueue other = UplinkQueue.open(dir.resolve("b"), 10)) {
            assertThat(other.messageId(5)).isNotEqualTo(first);
        }
    }
}
