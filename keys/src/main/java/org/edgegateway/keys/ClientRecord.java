package org.edgegateway.keys;

import java.time.Instant;

/**
 * An enrolled client as the key store keeps it.
 *
 * @param publicKey        the CURVE public key in Z85 (40 characters)
 * @param revokedAt        when it was revoked, or null
 * @param lastSeen         when it was last seen connected, or null
 * @param limits           its rate limits ({@link ClientLimits#DEFAULTS} when it has no override)
 * @param quarantineReason why it is quarantined, or null
 * @param quarantinedAt    when it was quarantined, or null
 * @param quarantineUntil  when its quarantine ends, or null (indefinite, or not quarantined)
 * @param quarantinedBy    who quarantined it (an admin, or the automatic flood defence), or null
 */
public record ClientRecord(long id, String name, String publicKey, ClientStatus status,
                           Instant enrolledAt, String enrolledBy, Instant revokedAt, Instant lastSeen,
                           ClientLimits limits, String quarantineReason, Instant quarantinedAt,
                           Instant quarantineUntil, String quarantinedBy) {

    public ClientRecord {
        if (name == null || publicKey == null || status == null) {
            throw new IllegalArgumentException("client record needs a name, a key and a status");
        }
        if (limits == null) {
            limits = ClientLimits.DEFAULTS;
        }
    }

    /** The public key as 32 bytes. */
    public byte[] publicKeyBytes() {
        return Z85.decodeKey(publicKey);
    }

    /**
     * Whether this client is quarantined at {@code now}: its status is QUARANTINED and its
     * quarantine has no end or ends after {@code now}.
     */
    public boolean isQuarantinedAt(Instant now) {
        return status == ClientStatus.QUARANTINED
                && (quarantineUntil == null || quarantineUntil.isAfter(now));
    }

    /**
     * Whether this client may authenticate at {@code now}: not revoked, not pending approval and not
     * in a quarantine still running. An expired quarantine admits it (the store keeps the status until an admin
     * or the gateway releases it).
     */
    public boolean isAdmittedAt(Instant now) {
        return status != ClientStatus.REVOKED && status != ClientStatus.PENDING && !isQuarantinedAt(now);
    }
}
