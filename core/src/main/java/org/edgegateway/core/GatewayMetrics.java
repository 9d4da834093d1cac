package org.edgegateway.core;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.edgegateway.protocol.ErrorCode;

/**
 * Thread-safe counters of the gateway since start. Written from the ZAP, router and worker threads
 * without locks; read by the admin service and the metrics endpoint.
 */
public final class GatewayMetrics {
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder acks = new LongAdder();
    private final LongAdder pongs = new LongAdder();
    private final LongAdder handshakesAllowed = new LongAdder();
    /** Messages dropped without an answer: identity mismatches, no metadata, unroutable replies. */
    private final LongAdder dropped = new LongAdder();
    private final LongAdder repliesUnroutable = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder transportFaults = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder rateLimitedSilently = new LongAdder();
    private final LongAdder quarantinedDiscarded = new LongAdder();
    private final LongAdder quarantines = new LongAdder();
    private final LongAdder quarantinesAutomatic = new LongAdder();
    private final LongAdder releases = new LongAdder();
    private final LongAdder releasesByExpiry = new LongAdder();
    private final LongAdder bans = new LongAdder();
    private final LongAdder bansRemoved = new LongAdder();
    private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);
    private final Map<String, LongAdder> zapDenials = new ConcurrentHashMap<>();

    public GatewayMetrics() {
        for (ErrorCode c : ErrorCode.values()) {
            errors.put(c, new LongAdder());
        }
    }

    public void countIn(long bytes) {
        messagesIn.increment();
        bytesIn.add(bytes);
    }

    /** Bytes of an answer handed to the socket: every frame after the routing id, as {@link #countIn} counts. */
    public void countOut(long bytes) {
        bytesOut.add(bytes);
    }

    public void countAck() {
        acks.increment();
    }

    public void countPong() {
        pongs.increment();
    }

    public void countError(ErrorCode code) {
        errors.get(code).increment();
    }

    public void countDropped() {
        dropped.increment();
    }

    public void countUnroutable() {
        repliesUnroutable.increment();
    }

    public void countDuplicate() {
        duplicates.increment();
    }

    public void countHandshakeAllowed() {
        handshakesAllowed.increment();
    }

    public void countZapDenied(String reason) {
        zapDenials.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Counts a fault raised inside the transport's own threads (e.g. a malformed frame from a raw TCP peer). */
    public void transportFault() {
        transportFaults.increment();
    }

    /** A message dropped for being over its client's rate limit (answered or not). */
    public void countRateLimited() {
        rateLimited.increment();
    }

    /** A rate-limited message dropped without an answer (the answers are throttled). */
    public void countRateLimitedSilently() {
        rateLimitedSilently.increment();
    }

    /** A message of a quarantined client, discarded. */
    public void countQuarantinedDiscarded() {
        quarantinedDiscarded.increment();
    }

    /** A quarantine stored, by an admin or automatically. */
    public void countQuarantine() {
        quarantines.increment();
    }

    /** A quarantine the gateway imposed by itself (also counted by {@link #countQuarantine()}). */
    public void countAutomaticQuarantine() {
        quarantinesAutomatic.increment();
    }

    /** A quarantine ended, by an admin or by expiry. */
    public void countRelease() {
        releases.increment();
    }

    /** A quarantine ended by expiry (also counted by {@link #countRelease()}). */
    public void countReleaseByExpiry() {
        releasesByExpiry.increment();
    }

    /** An address banned at the handshake. */
    public void countBan() {
        bans.increment();
    }

    /** A ban lifted by an admin. */
    public void countBanRemoved() {
        bansRemoved.increment();
    }

    public long rateLimitedMessages() {
        return rateLimited.sum();
    }

    public long rateLimitedSilently() {
        return rateLimitedSilently.sum();
    }

    public long quarantinedDiscarded() {
        return quarantinedDiscarded.sum();
    }

    public long quarantines() {
        return quarantines.sum();
    }

    public long quarantinesAutomatic() {
        return quarantinesAutomatic.sum();
    }

    public long releases() {
        return releases.sum();
    }

    public long releasesByExpiry() {
        return releasesByExpiry.sum();
    }

    public long bans() {
        return bans.sum();
    }

    public long bansRemoved() {
        return bansRemoved.sum();
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long acks() {
        return acks.sum();
    }

    public long pongs() {
        return pongs.sum();
    }

    /** Every answer sent: ACK, PONG and ERROR. */
    public long replies() {
        long n = acks.sum() + pongs.sum();
        for (LongAdder e : errors.values()) {
            n += e.sum();
        }
        return n;
    }

    public long handshakesAllowed() {
        return handshakesAllowed.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    public long repliesUnroutable() {
        return repliesUnroutable.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long transportFaults() {
        return transportFaults.sum();
    }

    public long errors(ErrorCode code) {
        return errors.get(code).sum();
    }

    /** Error replies by code, every code present. */
    public Map<String, Long> errorsByCode() {
        Map<String, Long> out = new LinkedHashMap<>();
        errors.forEach((k, v) -> out.put(k.name(), v.sum()));
        return out;
    }

    /** Refused handshakes, every reason together. */
    public long handshakesRefused() {
        long n = 0;
        for (LongAdder d : zapDenials.values()) {
            n += d.sum();
        }
        return n;
    }

    /** Refused handshakes by reason. */
    public Map<String, Long> zapDenialsByReason() {
        Map<String, Long> out = new LinkedHashMap<>();
        zapDenials.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
