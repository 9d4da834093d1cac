package org.edgegateway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TimerQueueTest {

    /** A sink whose equality is its identity, like JeroMQ's IOObject. */
    static final class Sink {
        final String name;

        Sink(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<String> drain(TimerQueue<Sink> q, long now) {
        List<String> fired = new ArrayList<>();
        TimerQueue.Timer<Sink> t;
        while ((t = q.pollDue(now)) != null) {
            fired.add(t.sink() + "/" + t.id() + "@" + t.expiry());
        }
        return fired;
    }

    @Test
    void emptyQueue() {
        TimerQueue<Sink> q = new TimerQueue<>();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.nextExpiry()).isEqualTo(Long.MAX_VALUE);
        assertThat(q.pollDue(Long.MAX_VALUE)).isNull();
        assertThat(q.cancel(new Sink("a"), 1)).isFalse();
        assertThat(q.cancel(null, 1)).isFalse();
        assertThatThrownBy(() -> q.add(1, null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void timersComeOutByExpiryAndOnlyWhenDue() {
        TimerQueue<Sink> q = new TimerQueue<>();
        Sink a = new Sink("a");
        q.add(30, a, 3);
        q.add(10, a, 1);
        q.add(20, a, 2);
        q.add(-5, a, 0);
        assertThat(q.size()).isEqualTo(4);
        assertThat(q.nextExpiry()).isEqualTo(-5);

        assertThat(drain(q, 9)).containsExactly("a/0@-5");
        assertThat(q.nextExpiry()).isEqualTo(10);
        assertThat(drain(q, 20)).containsExactly("a/1@10", "a/2@20");
        assertThat(drain(q, 29)).isEmpty();
        assertThat(drain(q, 1000)).containsExactly("a/3@30");
        assertThat(q.isEmpty()).isTrue();
        q.checkInvariants();
    }

    @Test
    void equalExpiriesComeOutInTheOrderTheyWereSet() {
        TimerQueue<Sink> q = new TimerQueue<>();
        List<Sink> sinks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sinks.add(new Sink("s" + i));
        }
        for (int i = 0; i < 50; i++) {
            q.add(100, sinks.get(i), 7);
        }
        q.add(50, sinks.get(10), 8);
        // moving s3 to the same expiry again makes it the last of that expiry
        q.add(100, sinks.get(3), 7);
        q.checkInvariants();

        List<String> expected = new ArrayList<>();
        expected.add("s10/8@50");
        for (int i = 0; i < 50; i++) {
            if (i != 3) {
                expected.add("s" + i + "/7@100");
            }
        }
        expected.add("s3/7@100");
        assertThat(drain(q, 100)).containsExactlyElementsOf(expected);
    }

    @Test
    void aSinkAndIdNameOneTimerThatMovesWhenSetAgain() {
        TimerQueue<Sink> q = new TimerQueue<>();
        Sink a = new Sink("a");
        Sink b = new Sink("b");
        q.add(10, a, 1);
        q.add(10, b, 1);
        q.add(5, a, 2);
        q.add(40, a, 1); // later
        q.add(1, b, 1); // earlier
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.contains(a, 1)).isTrue();
        assertThat(q.contains(a, 3)).isFalse();
        q.checkInvariants();
        assertThat(drain(q, 100)).containsExactly("b/1@1", "a/2@5", "a/1@40");
    }

    @Test
    void cancelRemovesOnlyThatTimer() {
        TimerQueue<Sink> q = new TimerQueue<>();
        Sink a = new Sink("a");
        Sink b = new Sink("b");
        q.add(10, a, 1);
        q.add(20, a, 2);
        q.add(15, b, 1);
        q.add(5, b, 2);

        assertThat(q.cancel(a, 1)).isTrue();
        assertThat(q.cancel(a, 1)).isFalse();
        assertThat(q.cancel(b, 3)).isFalse();
        assertThat(q.cancel(new Sink("a"), 2)).as("another sink object, even with the same name").isFalse();
        assertThat(q.cancel(b, 2)).as("the head").isTrue();
        q.checkInvariants();
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.nextExpiry()).isEqualTo(15);
        assertThat(drain(q, 100)).containsExactly("b/1@15", "a/2@20");
    }

    @Test
    void aTimerCanBeSetAgainAfterItFiredOrWasCancelled() {
        TimerQueue<Sink> q = new TimerQueue<>();
        Sink a = new Sink("a");
        q.add(10, a, 1);
        TimerQueue.Timer<Sink> fired = q.pollDue(10);
        assertThat(fired.sink()).isSameAs(a);
        assertThat(fired.id()).isEqualTo(1);
        assertThat(q.contains(a, 1)).isFalse();
        assertThat(q.cancel(a, 1)).as("a fired timer is no longer set").isFalse();

        // a heartbeat: re-armed from its own expiry
        q.add(20, a, 1);
        assertThat(fired.expiry()).as("the timer handed out is not reused").isEqualTo(10);
        assertThat(q.contains(a, 1)).isTrue();
        assertThat(q.cancel(a, 1)).isTrue();
        q.add(30, a, 1);
        assertThat(drain(q, 100)).containsExactly("a/1@30");
        q.checkInvariants();
    }

    @Test
    void clearEmptiesTheQueue() {
        TimerQueue<Sink> q = new TimerQueue<>();
        Sink a = new Sink("a");
        for (int i = 0; i < 100; i++) {
            q.add(i, a, i);
        }
        q.clear();
        q.checkInvariants();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.contains(a, 5)).isFalse();
        q.add(3, a, 5);
        assertThat(drain(q, 3)).containsExactly("a/5@3");
    }

    /**
     * 100,000 timers (10,000 sinks with 10 ids each, many equal expiries), a third cancelled, a fifth
     * moved, then drained in slices: each comes out once, in (expiry, order set) order, exactly the
     * ones a plain model says are due. An O(n) cancel or a sort per poll would not finish in the
     * time limit.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneHundredThousandTimers() {
        Random random = new Random(42);
        TimerQueue<Sink> q = new TimerQueue<>();
        Sink[] sinks = new Sink[10_000];
        for (int i = 0; i < sinks.length; i++) {
            sinks[i] = new Sink("s" + i);
        }
        record Expected(Sink sink, int id, long expiry, long order) {
        }
        Map<String, Expected> model = new HashMap<>();
        long order = 0;
        for (Sink sink : sinks) {
            for (int id = 0; id < 10; id++) {
                long expiry = random.nextInt(5_000);
                q.add(expiry, sink, id);
                model.put(sink.name + "/" + id, new Expected(sink, id, expiry, order++));
            }
        }
        assertThat(q.size()).isEqualTo(100_000);
        q.checkInvariants();

        List<String> keys = new ArrayList<>(model.keySet());
        keys.sort(Comparator.naturalOrder());
        Collections.shuffle(keys, random);
        for (int i = 0; i < keys.size() / 3; i++) {
            Expected e = model.remove(keys.get(i));
            assertThat(q.cancel(e.sink(), e.id())).isTrue();
        }
        for (int i = keys.size() / 3; i < keys.size() / 3 + keys.size() / 5; i++) {
            Expected e = model.get(keys.get(i));
            long expiry = random.nextInt(5_000);
            q.add(expiry, e.sink(), e.id());
            model.put(keys.get(i), new Expected(e.sink(), e.id(), expiry, order++));
        }
        q.checkInvariants();
        assertThat(q.size()).isEqualTo(model.size());

        List<Expected> expected = new ArrayList<>(model.values());
        expected.sort(Comparator.comparingLong(Expected::expiry).thenComparingLong(Expected::order));
        int next = 0;
        for (long now = 0; now <= 5_000; now += 250) {
            TimerQueue.Timer<Sink> t;
            while ((t = q.pollDue(now)) != null) {
                Expected e = expected.get(next++);
                assertThat(t.expiry()).isLessThanOrEqualTo(now).isEqualTo(e.expiry());
                assertThat(t.sink()).isSameAs(e.sink());
                assertThat(t.id()).isEqualTo(e.id());
            }
            assertThat(next == expected.size() || expected.get(next).expiry() > now)
                    .as("everything due at %d came out", now).isTrue();
        }
        assertThat(next).isEqualTo(expected.size());
        assertThat(q.isEmpty()).isTrue();
        q.checkInvariants();
    }

    /** Random adds, moves, cancels and polls against a simple model, checking the heap after each step. */
    @Test
    void randomOperationsAgreeWithAModel() {
        Random random = new Random(7);
        TimerQueue<Sink> q = new TimerQueue<>();
        Sink[] sinks = {new Sink("a"), new Sink("b"), new Sink("c"), new Sink("d")};
        Map<String, long[]> model = new HashMap<>(); // key -> {expiry, order}
        long order = 0;
        long now = 0;
        for (int step = 0; step < 20_000; step++) {
            Sink sink = sinks[random.nextInt(sinks.length)];
            int id = random.nextInt(8);
            String key = sink.name + "/" + id;
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    long expiry = now + random.nextInt(50);
                    q.add(expiry, sink, id);
                    model.put(key, new long[] {expiry, order++});
                }
                case 2 -> assertThat(q.cancel(sink, id)).isEqualTo(model.remove(key) != null);
                default -> {
                    now += random.nextInt(10);
                    TimerQueue.Timer<Sink> t = q.pollDue(now);
                    long current = now;
                    String first = model.entrySet().stream()
                            .filter(e -> e.getValue()[0] <= current)
                            .min(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> e.getValue()[0])
                                    .thenComparingLong(e -> e.getValue()[1]))
                            .map(Map.Entry::getKey).orElse(null);
                    if (first == null) {
                        assertThat(t).isNull();
                    } else {
                        assertThat(t.sink() + "/" + t.id()).isEqualTo(first);
                        model.remove(first);
                    }
                }
            }
            assertThat(q.size()).isEqualTo(model.size());
            if (step % 100 == 0) {
                q.checkInvariants();
            }
        }
        q.checkInvariants();
    }
}
