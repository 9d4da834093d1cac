package org.edgegateway.core.admission;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.edgegateway.core.GatewayMetrics;
import org.edgegateway.core.KeyCache;
import org.edgegateway.keys.ClientLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission of each message of an authenticated client, on the router thread: quarantine, then the
 * client's token buckets (messages and bytes). Not thread-safe: owned by {@code egw-router}, which
 * calls every method; O(1) per message, no I/O, no lock, no allocation once a client is known.
 *
 * <p>Over the limit, a message is dropped; the client gets at most one {@code RATE_LIMITED} answer
 * per reply interval, so that a flood never makes the gateway answer once per message. Dropped
 * messages count as violations in a sliding window, and malformed messages in another; past the
 * threshold the client is marked quarantined here at once (its messages are discarded from the next
 * one on, with one {@code QUARANTINED} notice) and a {@link QuarantineRequest} is handed to the
 * {@link Quarantiner}, which stores it, updates the key cache and cuts the connection. Once the
 * store has answered ({@link #settled}), the key cache's verdict decides again: quarantined until
 * released or expired.
 *
 * <p>State is kept per public key, not per connection, so reconnecting does not refill a bucket.
 * Only enrolled keys reach this class, so the state is bounded by the number of enrolled clients.
 */
public final class AdmissionControl {
    private static final Logger LOG = LoggerFactory.getLogger(AdmissionControl.class);

    /** What the router does with a message. */
    public enum Decision {
        /** Go on: decode and dispatch. */
        PASS,
        /** Discard without an answer (counted). */
        DROP,
        /** Discard and answer {@code ERROR RATE_LIMITED}. */
        RATE_LIMITED,
        /** Discard and answer {@code ERROR QUARANTINED} (the one notice of this quarantine). */
        QUARANTINED
    }

    private final AdmissionConfig config;
    private final GatewayMetrics metrics;
    private final QuarantineQueue quarantines;
    private final LongSupplier nanoTime;
    private final long replyInterval;
    private final long window;
    private final Map<String, ClientState> clients = new HashMap<>();

    public AdmissionControl(AdmissionConfig config, GatewayMetrics metrics, QuarantineQueue quarantines,
                            LongSupplier nanoTime) {
        this.config = config;
        this.metrics = metrics;
        this.quarantines = quarantines;
        this.nanoTime = nanoTime;
        this.replyInterval = config.rateLimitedReplyInterval().toNanos();
        this.window = config.window().toNanos();
    }

    /**
     * Decides one message of {@code size} bytes from an enrolled, not revoked client.
     *
     * @param quarantined whether the key cache says the client is quarantined now
     */
    public Decision admit(KeyCache.Entry client, long size, boolean quarantined) {
        return admit(client, size, quarantined, nanoTime.getAsLong());
    }

    /** {@link #admit(KeyCache.Entry, long, boolean)} at {@code now} (the caller's one clock reading of its turn). */
    public Decision admit(KeyCache.Entry client, long size, boolean quarantined, long now) {
        ClientState s = state(client, now);
        if (quarantined || s.pending) {
            return discard(s);
        }
        if (s.quarantined) {
            // Released or expired since: a fresh start.
            s.reset(now);
        }
        if (!client.limits().equals(s.overrides)) {
            s.apply(client.limits(), config.limitsFor(client.limits()), now);
        }
        if (s.messages.available(1, now) && s.bytes.available(size, now)) {
            s.messages.take(1);
            s.bytes.take(size);
            return Decision.PASS;
        }
        metrics.countRateLimited();
        double violations = s.violations.add(now);
        if (violations >= config.violations()) {
            return quarantine(client, s, "rate limit exceeded: " + (long) violations + " messages over the limit ("
                    + s.limits.messagesPerSecond() + " msg/s, burst " + s.limits.burst() + ", "
                    + s.limits.bytesPerSecond() + " B/s) within " + config.window().toSeconds() + " s");
        }
        if (!s.answered || now - s.lastAnswer >= replyInterval) {
            s.answered = true;
            s.lastAnswer = now;
            return Decision.RATE_LIMITED;
        }
        metrics.countRateLimitedSilently();
        return Decision.DROP;
    }

    /**
     * Counts a malformed message of a client whose message was admitted; returns
     * {@link Decision#QUARANTINED} when that puts it past the threshold (answer the notice instead
     * of the error), else {@link Decision#PASS} (answer the error as usual).
     */
    public Decision malformed(KeyCache.Entry client) {
        long now = nanoTime.getAsLong();
        ClientState s = state(client, now);
        double malformed = s.malformed.add(now);
        if (malformed >= config.malformed() && !s.quarantined) {
            return quarantine(client, s, "malformed messages: " + (long) malformed + " within "
                    + config.window().toSeconds() + " s");
        }
        return Decision.PASS;
    }

    /** The quarantine requested for {@code publicKey} is stored (or failed): the key cache decides again. */
    public void settled(String publicKey) {
        ClientState s = clients.get(publicKey);
        if (s != null) {
            s.pending = false;
        }
    }

    /** Forgets a client (revoked): its state is not needed any more. */
    public void forget(String publicKey) {
        clients.remove(publicKey);
    }

    /** Clients with state, for tests and diagnostics. */
    public int clients() {
        return clients.size();
    }

    private ClientState state(KeyCache.Entry client, long now) {
        ClientState s = clients.get(client.publicKey());
        if (s == null) {
            s = new ClientState(client.limits(), config.limitsFor(client.limits()), window, now);
            clients.put(client.publicKey(), s);
        }
        return s;
    }

    private Decision discard(ClientState s) {
        s.quarantined = true;
        metrics.countQuarantinedDiscarded();
        if (!s.noticeSent) {
            s.noticeSent = true;
            return Decision.QUARANTINED;
        }
        return Decision.DROP;
    }

    private Decision quarantine(KeyCache.Entry client, ClientState s, String reason) {
        if (!quarantines.offer(new QuarantineRequest(client.name(), client.publicKey(), reason))) {
            // The quarantine thread is behind: keep dropping, ask again on the next violation.
            LOG.warn("admission: quarantine queue full, {} not quarantined yet", client.name());
            return Decision.DROP;
        }
        s.pending = true;
        return discard(s);
    }

    /** One client's admission state. Not thread-safe: owned by the router thread. */
    private static final class ClientState {
        ClientLimits overrides;
        AdmissionConfig.Limits limits;
        TokenBucket messages;
        TokenBucket bytes;
        final SlidingWindowCounter violations;
        final SlidingWindowCounter malformed;
        boolean answered;
        long lastAnswer;
        /** A quarantine was requested and the store has not answered yet. */
        boolean pending;
        /** In a quarantine (requested here or found in the key cache) as far as this class has seen. */
        boolean quarantined;
        boolean noticeSent;

        ClientState(ClientLimits overrides, AdmissionConfig.Limits limits, long window, long now) {
            this.violations = new SlidingWindowCounter(window, now);
            this.malformed = new SlidingWindowCounter(window, now);
            apply(overrides, limits, now);
        }

        void apply(ClientLimits newOverrides, AdmissionConfig.Limits newLimits, long now) {
            overrides = newOverrides;
            limits = newLimits;
            messages = new TokenBucket(newLimits.messagesPerSecond(), newLimits.burst(), now);
            bytes = new TokenBucket(newLimits.bytesPerSecond(), newLimits.bytesPerSecond(), now);
        }

        void reset(long now) {
            quarantined = false;
            noticeSent = false;
            answered = false;
            violations.reset(now);
            malformed.reset(now);
            apply(overrides, limits, now);
        }
    }
}
