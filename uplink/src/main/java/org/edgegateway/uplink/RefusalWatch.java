package org.edgegateway.uplink;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the upstream refuses this edge's uplink traffic, since when and why, so that a refusal is
 * never silent. Written by {@code egw-uplink} only; any thread reads {@link #current()} and
 * {@link #refusals()} (a volatile snapshot and a counter).
 *
 * <p>A refusal is an answer that says the upstream will not take uplink messages from this edge
 * until someone changes its configuration: {@code UNKNOWN_TYPE} (no {@code UPLINK} handler, the
 * upstream's {@code uplink.receive} is off), {@code REVOKED} or {@code QUARANTINED} (the edge's key),
 * or a handshake the upstream refused. The messages stay queued and are sent again; what this class
 * adds is the noise: a WARN at the first refusal and whenever the reason changes, a reminder every
 * {@link #REMIND} while it lasts, an INFO when the upstream accepts again, and the state for the
 * stats, the metrics and {@code doctor}.
 */
final class RefusalWatch {
    /** While refused, the WARN is repeated this often. */
    static final Duration REMIND = Duration.ofMinutes(10);
    /** The code of a handshake the upstream refused (not a protocol error code). */
    static final String HANDSHAKE_REFUSED = "HANDSHAKE_REFUSED";

    private static final Logger LOG = LoggerFactory.getLogger(RefusalWatch.class);

    /**
     * A refusal in force.
     *
     * @param code   {@code UNKNOWN_TYPE}, {@code REVOKED}, {@code QUARANTINED} or {@value #HANDSHAKE_REFUSED}
     * @param detail what the upstream said
     * @param since  the first refusal of this kind in a row
     */
    record Refusal(String code, String detail, Instant since) {
        /** {@code CODE: detail}, the code once. */
        String describe() {
            return detail.startsWith(code) ? detail : code + ": " + detail;
        }

        /** What the admin should do about it. */
        String remedy() {
            return switch (code) {
                case "UNKNOWN_TYPE" -> "the upstream does not accept UPLINK messages: set uplink.receive=true on it";
                case "REVOKED", "QUARANTINED" -> "the upstream refuses this edge's key (" + code
                        + "): enrol it again, or release it, on the upstream";
                default -> "the upstream refused the handshake: enrol this edge's key there (clients add), or check"
                        + " the server key in uplink.bundle";
            };
        }
    }

    private final Clock clock;
    private final AtomicLong refusals = new AtomicLong();
    private volatile Refusal current;
    private Instant lastWarned;

    RefusalWatch(Clock clock) {
        this.clock = clock;
    }

    /** The upstream refused {@code messages} messages with {@code code}; {@code waiting} stay queued. */
    void refused(String code, String detail, int messages, String endpoint, long waiting) {
        refusals.addAndGet(messages);
        Instant now = clock.instant();
        Refusal r = current;
        if (r == null || !r.code().equals(code)) {
            r = new Refusal(code, detail, now);
            current = r;
            lastWarned = now;
            LOG.warn("uplink: the upstream at {} refuses uplink traffic: {}; {}. {} messages stay queued and are sent"
                    + " again until it accepts them", endpoint, r.describe(), r.remedy(), waiting);
        } else if (!now.isBefore(lastWarned.plus(REMIND))) {
            lastWarned = now;
            LOG.warn("uplink: the upstream at {} still refuses uplink traffic since {}: {}; {}. {} messages wait",
                    endpoint, r.since(), r.describe(), r.remedy(), waiting);
        }
    }

    /** The upstream ACKed a message: a refusal in force is over. */
    void accepted(String endpoint, long waiting) {
        Refusal r = current;
        if (r != null) {
            current = null;
            LOG.info("uplink: the upstream at {} accepts uplink traffic again (refused with {} since {}); {} more"
                    + " messages to send", endpoint, r.code(), r.since(), waiting);
        }
    }

    /** The refusal in force, or null while the upstream accepts (or has not answered yet). */
    Refusal current() {
        return current;
    }

    /** Messages refused since start. */
    long refusals() {
        return refusals.get();
    }
}
