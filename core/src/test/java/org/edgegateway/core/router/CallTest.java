package org.edgegateway.core.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.junit.jupiter.api.Test;

/**
 * The one compare-and-set between a lane thread finishing a call and the router expiring it:
 * exactly one side answers, and the router's interrupt never reaches past the call it was meant for.
 */
class CallTest {

    @Test
    void completionAndDeadlineRaceToExactlyOneAnswerAndNoInterruptLeaks() throws Exception {
        java.util.Map<String, Boolean> startedInterrupted = new java.util.concurrent.ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> leaks = new ConcurrentLinkedQueue<>();
        AtomicBoolean spin = new AtomicBoolean();
        MessageHandler handler = new MessageHandler() {
            @Override
            public Set<String> types() {
                return Set.of("RACE");
            }

            @Override
            public HandlerResult handle(HandlerMessage m) {
                startedInterrupted.put(m.payloadText(), Thread.currentThread().isInterrupted());
                long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(0, 20_000);
                while (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
                return HandlerResult.ack("ok");
            }
        };
        Lane lane = Lane.unsupervised("race", "the race handler", LaneLimits.of(Duration.ofSeconds(10), 1));
        Route route = Route.of(lane, handler);
        try (Doorbell bell = new Doorbell()) {
            Inbox inbox = new Inbox(bell);
            Connection conn = new Connection("127.0.0.1:1", null, Instant.now());
            int routerWon = 0;
            int runnerWon = 0;
            for (int i = 0; i < 3000; i++) {
                Call c = new Call(lane, route, inbox, conn, false, 0, Call.NO_ID, null, message(i), System.nanoTime());
                assertThat(lane.execute(c)).isTrue();
                // Expire at a random moment around the call's end.
                long wait = ThreadLocalRandom.current().nextLong(0, 25_000);
                long until = System.nanoTime() + wait;
                while (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
                int expired = c.expire();
                // Wait until the runner is done with the call either way.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (lane.stuck() > 0 || (expired == Call.LOST && inbox.isEmpty())) {
                    assertThat(System.nanoTime()).as("call %d settles", i).isLessThan(deadline);
                    Thread.onSpinWait();
                }
                Call answered = inbox.takeAll();
                if (expired == Call.LOST) {
                    // The router never interrupted this call: an interrupt seen in it came from an earlier one.
                    if (Boolean.TRUE.equals(startedInterrupted.get(Integer.toString(i)))) {
                        leaks.add("call " + i + " started interrupted");
                    }
                    assertThat(answered).as("the runner won: the call is in the inbox").isSameAs(c);
                    assertThat(c.result).isEqualTo(HandlerResult.ack("ok"));
                    runnerWon++;
                } else {
                    assertThat(answered).as("the router won: nothing reaches the inbox").isNull();
                    routerWon++;
                }
                while (!lane.running().isEmpty()) {
                    Thread.onSpinWait();
                }
            }
            assertThat(leaks).as("calls that started with an interrupt meant for an earlier one").isEmpty();
            assertThat(routerWon).isPositive();
            assertThat(runnerWon).isPositive();
        } finally {
            lane.close("test over");
        }
    }

    @Test
    void aCallExpiredBeforeItStartsNeverRuns() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        MessageHandler handler = new MessageHandler() {
            @Override
            public Set<String> types() {
                return Set.of("NEVER");
            }

            @Override
            public HandlerResult handle(HandlerMessage m) {
                ran.countDown();
                return HandlerResult.ack("ran");
            }
        };
        Lane lane = Lane.unsupervised("never", "the never handler", LaneLimits.of(Duration.ofSeconds(10), 1));
        try (Doorbell bell = new Doorbell()) {
            Inbox inbox = new Inbox(bell);
            Call c = new Call(lane, Route.of(lane, handler), inbox, new Connection("127.0.0.1:1", null, Instant.now()),
                    false, 0, Call.NO_ID, null, message(0), System.nanoTime());
            assertThat(c.expire()).isEqualTo(Call.EXPIRED_WAITING);
            c.run();
            assertThat(ran.getCount()).isEqualTo(1);
            assertThat(inbox.isEmpty()).isTrue();
        } finally {
            lane.close("test over");
        }
    }

    private static HandlerMessage message(int i) {
        return new HandlerMessage("c", "k", "RACE", Integer.toString(i).getBytes(StandardCharsets.US_ASCII),
                Instant.now(), "127.0.0.1:1");
    }
}
