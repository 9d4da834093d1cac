package org.edgegateway.core.enrol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per peer address, for the enrolment port. Not thread-safe: owned by
 * {@code egw-enrol}. At most {@code capacity} addresses are tracked, the least recently seen
 * forgotten first (an attacker with many addresses can make it forget partial counts; the ban list
 * still counts its failed secrets).
 */
final class AddressRates {
    private static final long MINUTE = 60_000_000_000L;

    private final double perNano;
    private final int burst;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets;

    AddressRates(int perMinute, int burst, int capacity, LongSupplier nanos) {
        this.perNano = perMinute / (double) MINUTE;
        this.burst = burst;
        this.nanos = nanos;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Takes a token of {@code address}'s bucket; false when it has none left. */
    boolean take(String address) {
        long now = nanos.getAsLong();
        Bucket b = buckets.get(address);
        if (b == null) {
            b = new Bucket();
            b.tokens = burst;
            buckets.put(address, b);
        } else {
            b.tokens = Math.min(burst, b.tokens + (now - b.at) * perNano);
        }
        b.at = now;
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    private static final class Bucket {
        double tokens;
        long at;
    }
}
