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
    private final LongAdder acks = new LongAdder();
    private final LongAdder pongs = new LongAdder();
    private final LongAdder handshakesAllowed = new LongAdder();
    /** Messages dropped without an answer: identity mismatches, no metadata, unroutable replies. */
    private final LongAdder dropped = new LongAdder();
    private final LongAdder repliesUnroutable = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder transportFaults = new LongAdder();
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

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long acks() {
        return acks.sum();
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

    /** Refused handshakes by reason. */
    public Map<String, Long> zapDenialsByReason() {
        Map<String, Long> out = new LinkedHashMap<>();
        zapDenials.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
