package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(10), clock);

    @Test
    void blocksAnAddressAfterMaxFailuresUntilTheOldestLeavesTheWindow() {
        throttle.failure("10.0.0.1", "admin");
        clock.advance(Duration.ofMinutes(2));
        throttle.failure("10.0.0.1", "bob");
        throttle.failure("10.0.0.1", "carol");
        assertThat(throttle.blockedFor("10.0.0.1", "dave")).hasValue(Duration.ofMinutes(8));
        assertThat(throttle.blockedFor("10.0.0.2", "dave")).isEmpty();
        clock.advance(Duration.ofMinutes(8));
        assertThat(throttle.blockedFor("10.0.0.1", "dave")).as("first failure left the window").isEmpty();
    }

    @Test
    void blocksAUserNameAttackedFromManyAddresses() {
        throttle.failure("10.0.0.1", "admin");
        throttle.failure("10.0.0.2", "admin");
        throttle.failure("10.0.0.3", "admin");
        assertThat(throttle.blockedFor("10.0.0.4", "admin")).isPresent();
        assertThat(throttle.blockedFor("10.0.0.4", "bob")).isEmpty();
    }

    @Test
    void successClearsTheCounters() {
        throttle.failure("10.0.0.1", "admin");
        throttle.failure("10.0.0.1", "admin");
        throttle.success("10.0.0.1", "admin");
        throttle.failure("10.0.0.1", "admin");
        assertThat(throttle.blockedFor("10.0.0.1", "admin")).isEmpty();
    }
}
