package org.edgegateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), 2.0, Duration.ofMillis(500), 0.2, true);

    @Test
    void attemptsGrowExponentiallyUpToTheCap() {
        assertThat(policy.attemptTimeoutNanos(0)).isEqualTo(100_000_000L);
        assertThat(policy.attemptTimeoutNanos(1)).isEqualTo(200_000_000L);
        assertThat(policy.attemptTimeoutNanos(2)).isEqualTo(400_000_000L);
        assertThat(policy.attemptTimeoutNanos(3)).isEqualTo(500_000_000L);
        assertThat(policy.attemptTimeoutNanos(60)).isEqualTo(500_000_000L);
    }

    @Test
    void jitterSpreadsBothWays() {
        assertThat(policy.jitteredTimeoutNanos(0, 0.0)).isEqualTo(80_000_000L);
        assertThat(policy.jitteredTimeoutNanos(0, 0.5)).isEqualTo(100_000_000L);
        assertThat(policy.jitteredTimeoutNanos(0, 0.999_999)).isBetween(119_000_000L, 120_000_000L);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, 2, Duration.ofSeconds(1), 0, true))
                .hasMessageContaining("firstAttemptTimeout");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), 2, Duration.ofSeconds(1), 0, true))
                .hasMessageContaining("maxAttemptTimeout");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), 0, true))
                .hasMessageContaining("multiplier < 1: 0.5");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 1.0, true))
                .hasMessageContaining("jitter");
    }
}
