package org.edgegateway.keys;

import java.util.Locale;

/** The admission status of an enrolled client. */
public enum ClientStatus {
    /** May connect and send. */
    ACTIVE,
    /** Refused for good: its key no longer authenticates. */
    REVOKED,
    /** Refused for now (until a time, or until an admin releases it). */
    QUARANTINED,
    /** Enrolled itself on a claim that needs an admin's approval: refused until approved. */
    PENDING;

    /** The status as a lower-case word, for people and JSON: "active", "revoked", "quarantined", "pending". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status whose {@link #name()} or {@link #label()} is {@code text}, in any case. */
    public static ClientStatus fromLabel(String text) {
        if (text != null) {
            for (ClientStatus s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("unknown client status " + (text == null ? "null"
                : ClientNames.quote(text)) + " (expected active, revoked, quarantined or pending)");
    }
}
