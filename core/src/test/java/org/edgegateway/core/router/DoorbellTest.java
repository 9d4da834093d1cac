package org.edgegateway.core.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The router's wake-up: a producer that queues work and rings always gets the owner out of its park,
 * whatever the interleaving. One message in flight at a time, so every hand-off goes through a park;
 * a lost wake-up would show as a park that ran to its 10 s limit.
 */
class DoorbellTest {

    @Test
    void noWakeUpIsLostInAHundredThousandHandOffs() throws Exception {
        int rounds = 100_000;
        Queue<Integer> work = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        try (Doorbell bell = new Doorbell()) {
            Thread owner = new Thread(() -> {
                try {
                    while (done.get() < rounds) {
                        Integer item = work.poll();
                        if (item != null) {
                            done.incrementAndGet();
                        } else if (!bell.park(10_000, () -> !work.isEmpty())) {
                            timedOut.incrementAndGet();
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            owner.start();
            for (int i = 0; i < rounds; i++) {
                work.offer(i);
                bell.ring();
                int expected = i + 1;
                while (done.get() < expected && owner.isAlive()) {
                    Thread.onSpinWait();
                }
            }
            owner.join(30_000);
            assertThat(done.get()).isEqualTo(rounds);
            assertThat(timedOut.get()).as("parks that ran out while work was queued").isZero();
        }
    }
}
