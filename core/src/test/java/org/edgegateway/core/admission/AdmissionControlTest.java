package org.edgegateway.core.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgegateway.core.GatewayMetrics;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.admission.AdmissionControl.Decision;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientStatus;
import org.junit.jupiter.api.Test;

/** Token bucket arithmetic, answer throttling and quarantine triggers, on a fake nanosecond clock. */
class AdmissionControlTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    long now = 1_000 * S;
    final GatewayMetrics metrics = new GatewayMetrics();
    final QuarantineQueue queue = new QuarantineQueue(16);

    static KeyCache.Entry client(String name, ClientLimits limits) {
        return new KeyCache.Entry(name, "key-" + name, ClientStatus.ACTIVE, limits, null);
    }

    AdmissionControl control(Map<String, String> overrides) {
        return new AdmissionControl(AdmissionConfig.of(overrides), metrics, queue, () -> now);
    }

    List<Decision> send(AdmissionControl a, KeyCache.Entry c, int n, long size) {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(a.admit(c, size, false));
        }
        return out;
    }

    @Test
    void bucketStartsFullRefillsAtTheRateAndCapsAtTheBurst() {
        TokenBucket b = new TokenBucket(10, 5, now);
        for (int i = 0; i < 5; i++) {
            assertThat(b.tryTake(1, now)).isTrue();
        }
        assertThat(b.tryTake(1, now)).isFalse();
        now += 99 * MS;
        assertThat(b.tryTake(1, now)).isFalse();
        now += 1 * MS;
        assertThat(b.tryTake(1, now)).isTrue();
        now += 10 * S;
        assertThat(b.tokens(now)).isEqualTo(5.0);
        // Larger than the whole bucket: admitted when full, then the bucket is in debt.
        assertThat(b.tryTake(12, now)).isTrue();
        assertThat(b.tokens(now)).isEqualTo(-7.0);
        now += 700 * MS;
        assertThat(b.tryTake(1, now)).isFalse();
        now += 100 * MS;
        assertThat(b.tryTake(1, now)).isTrue();
    }

    @Test
    void defaultsApplyUntilAClientHasOverrides() {
        AdmissionControl a = control(Map.of("admission.rate.messages-per-second", "10", "admission.rate.burst", "20",
                "admission.rate.reply-interval", "0"));
        KeyCache.Entry plain = client("plain", ClientLimits.DEFAULTS);
        assertThat(send(a, plain, 20, 10)).containsOnly(Decision.PASS);
        assertThat(a.admit(plain, 10, false)).isEqualTo(Decision.RATE_LIMITED);
        now += 100 * MS;
        assertThat(a.admit(plain, 10, false)).isEqualTo(Decision.PASS);

        KeyCache.Entry special = client("special", new ClientLimits(50.0, 100, null));
        assertThat(send(a, special, 100, 10)).containsOnly(Decision.PASS);
        assertThat(a.admit(special, 10, false)).isEqualTo(Decision.RATE_LIMITED);
        now += 20 * MS; // one token at 50/s
        assertThat(a.admit(special, 10, false)).isEqualTo(Decision.PASS);
        assertThat(a.admit(special, 10, false)).isEqualTo(Decision.RATE_LIMITED);

        // A changed override takes effect on the next message.
        KeyCache.Entry lowered = client("special", new ClientLimits(1.0, 1, null));
        assertThat(a.admit(lowered, 10, false)).isEqualTo(Decision.PASS);
        assertThat(a.admit(lowered, 10, false)).isEqualTo(Decision.RATE_LIMITED);
        assertThat(metrics.rateLimitedMessages()).isEqualTo(4);
    }

    @Test
    void bytesAreLimitedToo() {
        AdmissionControl a = control(Map.of("admission.rate.bytes-per-second", "1000", "admission.rate.reply-interval", "0"));
        KeyCache.Entry c = client("bulky", ClientLimits.DEFAULTS);
        assertThat(send(a, c, 4, 250)).containsOnly(Decision.PASS);
        assertThat(a.admit(c, 250, false)).isEqualTo(Decision.RATE_LIMITED);
        now += 250 * MS;
        assertThat(a.admit(c, 250, false)).isEqualTo(Decision.PASS);
        // A byte-limited message does not use up a message token.
        KeyCache.Entry strict = client("strict", new ClientLimits(1000.0, 2, 100L));
        assertThat(a.admit(strict, 100, false)).isEqualTo(Decision.PASS);
        assertThat(a.admit(strict, 100, false)).isEqualTo(Decision.RATE_LIMITED);
        now += S;
        assertThat(a.admit(strict, 100, false)).isEqualTo(Decision.PASS);
    }

    @Test
    void rateLimitedAnswersAreThrottledPerClient() {
        AdmissionControl a = control(Map.of("admission.rate.messages-per-second", "1", "admission.rate.burst", "1"));
        KeyCache.Entry c = client("chatty", ClientLimits.DEFAULTS);
        KeyCache.Entry other = client("other", ClientLimits.DEFAULTS);
        assertThat(a.admit(c, 1, false)).isEqualTo(Decision.PASS);
        List<Decision> burst = send(a, c, 100, 1);
        assertThat(burst.get(0)).isEqualTo(Decision.RATE_LIMITED);
        assertThat(burst.subList(1, 100)).containsOnly(Decision.DROP);
        assertThat(a.admit(other, 1, false)).isEqualTo(Decision.PASS);
        assertThat(a.admit(other, 1, false)).isEqualTo(Decision.RATE_LIMITED);
        now += 99 * MS;
        assertThat(a.admit(c, 1, false)).isEqualTo(Decision.DROP);
        now += 1 * MS;
        assertThat(a.admit(c, 1, false)).isEqualTo(Decision.RATE_LIMITED);
        assertThat(metrics.rateLimitedMessages()).isEqualTo(103);
        assertThat(metrics.rateLimitedSilently()).isEqualTo(100);
    }

    @Test
    void violationsPastTheThresholdQuarantineOnceWithOneNotice() throws Exception {
        AdmissionControl a = control(Map.of("admission.rate.messages-per-second", "10", "admission.rate.burst", "10",
                "admission.quarantine.violations", "50", "admission.quarantine.window", "10s"));
        KeyCache.Entry flooder = client("flooder", ClientLimits.DEFAULTS);
        List<Decision> d = send(a, flooder, 59, 1);
        assertThat(d.subList(0, 10)).containsOnly(Decision.PASS);
        assertThat(d.subList(10, 59)).doesNotContain(Decision.PASS, Decision.QUARANTINED);
        assertThat(a.admit(flooder, 1, false)).isEqualTo(Decision.QUARANTINED);
        QuarantineRequest r = queue.poll(1, TimeUnit.SECONDS);
        assertThat(r.name()).isEqualTo("flooder");
        assertThat(r.publicKey()).isEqualTo("key-flooder");
        assertThat(r.reason()).startsWith("rate limit exceeded: 50 messages over");
        // Discarded from now on, no second notice, no second request, even with tokens back.
        now += 10 * S;
        assertThat(send(a, flooder, 20, 1)).containsOnly(Decision.DROP);
        assertThat(queue.poll()).isNull();
        // Stored: the key cache now says quarantined.
        a.settled("key-flooder");
        assertThat(a.admit(flooder, 1, true)).isEqualTo(Decision.DROP);
        // Released: a fresh start, full bucket, no violations remembered.
        assertThat(a.admit(flooder, 1, false)).isEqualTo(Decision.PASS);
        assertThat(send(a, flooder, 9, 1)).containsOnly(Decision.PASS);
        assertThat(a.admit(flooder, 1, false)).isEqualTo(Decision.RATE_LIMITED);
    }

    @Test
    void aStoreFailureLetsTheKeyCacheDecide() {
        AdmissionControl a = control(Map.of("admission.rate.burst", "1", "admission.quarantine.violations", "3"));
        KeyCache.Entry c = client("c", ClientLimits.DEFAULTS);
        send(a, c, 4, 1);
        assertThat(queue.poll()).isNotNull();
        assertThat(a.admit(c, 1, false)).isEqualTo(Decision.DROP);
        a.settled("key-c");
        now += 10 * S;
        assertThat(a.admit(c, 1, false)).isEqualTo(Decision.PASS);
    }

    @Test
    void aQuarantineFromTheKeyCacheGetsOneNotice() {
        AdmissionControl a = control(Map.of());
        KeyCache.Entry c = client("held", ClientLimits.DEFAULTS);
        assertThat(a.admit(c, 1, true)).isEqualTo(Decision.QUARANTINED);
        for (int i = 0; i < 1000; i++) {
            assertThat(a.admit(c, 1, true)).isEqualTo(Decision.DROP);
        }
        assertThat(metrics.quarantinedDiscarded()).isEqualTo(1001);
        assertThat(queue.poll()).isNull();
    }

    @Test
    void malformedMessagesPastTheThresholdQuarantine() {
        AdmissionControl a = control(Map.of("admission.quarantine.malformed", "5"));
        KeyCache.Entry c = client("broken", ClientLimits.DEFAULTS);
        for (int i = 0; i < 4; i++) {
            assertThat(a.malformed(c)).isEqualTo(Decision.PASS);
        }
        assertThat(a.malformed(c)).isEqualTo(Decision.QUARANTINED);
        assertThat(queue.poll().reason()).startsWith("malformed messages: 5");
        assertThat(a.admit(c, 1, false)).isEqualTo(Decision.DROP);
    }

    @Test
    void aSensorSendingAFewMessagesASecondIsNeverTouchedByTheDefaults() {
        AdmissionControl a = control(Map.of());
        KeyCache.Entry sensor = client("sensor", ClientLimits.DEFAULTS);
        for (int i = 0; i < 24 * 3600 * 5; i++) { // 5 messages a second for a day
            assertThat(a.admit(sensor, 200, false)).isEqualTo(Decision.PASS);
            now += 200 * MS;
        }
        assertThat(metrics.rateLimitedMessages()).isZero();
    }

    @Test
    void aSocketSpeedFlooderIsQuarantinedWellWithinTwoSecondsByTheDefaults() {
        AdmissionControl a = control(Map.of());
        KeyCache.Entry flooder = client("flooder", ClientLimits.DEFAULTS);
        long start = now;
        // 20 000 messages a second, a fraction of what one CURVE socket carries.
        while (a.admit(flooder, 64, false) != Decision.QUARANTINED) {
            now += 50_000;
            assertThat(now - start).isLessThan(2 * S);
        }
        assertThat(queue.poll()).isNotNull();
    }

    @Test
    void slidingWindowForgetsOldEvents() {
        SlidingWindowCounter w = new SlidingWindowCounter(10, 0);
        for (int i = 0; i < 10; i++) {
            w.add(5);
        }
        assertThat(w.estimate(9)).isEqualTo(10.0);
        assertThat(w.estimate(15)).isEqualTo(5.0); // half of the previous window still overlaps
        assertThat(w.estimate(20)).isZero();
        assertThat(w.add(45)).isEqualTo(1.0);
    }
}
