package org.edgegateway.core;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientRecord;
import org.edgegateway.keys.ClientStatus;

/**
 * Thread-safe in-memory copy of every enrolled key, so that neither a handshake nor a message costs a
 * database round trip. It holds all enrolled keys, so a key it does not know is unknown to the store
 * as well: refusals are as cheap as admissions (libzmq clients retry refused handshakes forever).
 *
 * <p>Coherence: loaded whole at start; every admin change goes through the store and then
 * {@link #put} in the same call, so the cache never lags a committed change made by this gateway.
 */
public final class KeyCache {

    /**
     * One enrolled client, as admission needs it, and why it is quarantined (to say so when it is
     * refused). Immutable.
     */
    public record Entry(String name, String publicKey, ClientStatus status, ClientLimits limits,
                        Instant quarantineUntil, String quarantineReason, String quarantinedBy) {

        public Entry(String name, String publicKey, ClientStatus status, ClientLimits limits, Instant quarantineUntil) {
            this(name, publicKey, status, limits, quarantineUntil, null, null);
        }

        /** Why a quarantined client is refused: "quarantined until T by WHO: WHY", in words. */
        public String quarantineText() {
            return "quarantined " + (quarantineUntil == null ? "until released" : "until " + quarantineUntil)
                    + " by " + (quarantinedBy == null ? "an earlier release (unrecorded)" : quarantinedBy)
                    + ": " + (quarantineReason == null ? "no reason recorded" : quarantineReason);
        }

        /** Whether the client may connect and send at {@code now}. */
        public Verdict verdict(Instant now) {
            return switch (status) {
                case ACTIVE -> Verdict.ALLOWED;
                case REVOKED -> Verdict.REVOKED;
                case QUARANTINED -> quarantineUntil != null && !now.isBefore(quarantineUntil)
                        ? Verdict.ALLOWED : Verdict.QUARANTINED;
                case PENDING -> Verdict.PENDING;
            };
        }
    }

    /** The admission decision for a key. */
    public enum Verdict {
        ALLOWED, UNKNOWN, REVOKED, QUARANTINED,
        /** Enrolled itself on a claim and waits for an admin's approval: refused on every port. */
        PENDING
    }

    private final Map<String, Entry> byKey = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

    public void load(Collection<ClientRecord> records) {
        byKey.clear();
        records.forEach(this::put);
        version.incrementAndGet();
    }

    public void put(ClientRecord r) {
        byKey.put(r.publicKey(), new Entry(r.name(), r.publicKey(), r.status(), r.limits(), r.quarantineUntil(),
                r.quarantineReason(), r.quarantinedBy()));
        version.incrementAndGet();
    }

    /**
     * Grows after every change, once the change is visible: an entry looked up after reading version
     * {@code v} is current as long as the version is still {@code v}, so a reader may keep it that long.
     */
    public long version() {
        return version.get();
    }

    /** The entry of a Z85 public key, or null when it is not enrolled. */
    public Entry lookup(String publicKeyZ85) {
        return publicKeyZ85 == null ? null : byKey.get(publicKeyZ85);
    }

    public Verdict verdict(String publicKeyZ85, Instant now) {
        Entry e = lookup(publicKeyZ85);
        return e == null ? Verdict.UNKNOWN : e.verdict(now);
    }

    /** Every entry, as of now (a weakly consistent view). */
    public Collection<Entry> entries() {
        return java.util.List.copyOf(byKey.values());
    }

    public int size() {
        return byKey.size();
    }
}
