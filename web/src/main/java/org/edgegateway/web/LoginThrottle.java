package org.edgegateway.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses logins after too many failures, per source address and per user name, within a sliding
 * window. Thread-safe: every method locks the instance; no call leaves the class under the lock.
 *
 * <p>Counting per user name as well as per address stops a password guesser that spreads its
 * attempts over many addresses; the price is that such a guesser can keep an admin out for a
 * window, which is the usual trade for an appliance whose admin port is on loopback by default.
 */
final class LoginThrottle {

    /** Bounds the memory a flood of distinct addresses or names can take. */
    private static final int MAX_KEYS = 10_000;

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    LoginThrottle(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /** How long logins from {@code address} or as {@code user} stay refused; empty when allowed. */
    synchronized Optional<Duration> blockedFor(String address, String user) {
        Instant now = clock.instant();
        Duration a = blockedFor("addr:" + address, now);
        Duration u = blockedFor("user:" + user, now);
        Duration longest = a.compareTo(u) >= 0 ? a : u;
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    synchronized void failure(String address, String user) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_KEYS) {
            failures.values().removeIf(q -> {
                prune(q, now);
                return q.isEmpty();
            });
        }
        record("addr:" + address, now);
        record("user:" + user, now);
    }

    synchronized void success(String address, String user) {
        failures.remove("addr:" + address);
        failures.remove("user:" + user);
    }

    private void record(String key, Instant now) {
        Deque<Instant> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        prune(q, now);
        q.addLast(now);
        while (q.size() > maxFailures) {
            q.removeFirst();
        }
    }

    private Duration blockedFor(String key, Instant now) {
        Deque<Instant> q = failures.get(key);
        if (q == null) {
            return Duration.ZERO;
        }
        prune(q, now);
        if (q.size() < maxFailures) {
            return Duration.ZERO;
        }
        return Duration.between(now, q.peekFirst().plus(window));
    }

    private void prune(Deque<Instant> q, Instant now) {
        while (!q.isEmpty() && !q.peekFirst().plus(window).isAfter(now)) {
            q.removeFirst();
        }
    }
}
