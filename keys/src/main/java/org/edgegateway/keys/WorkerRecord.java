package org.edgegateway.keys;

import java.time.Instant;

/**
 * An enrolled worker key: a program that serves message types for the gateway from outside its JVM
 * (docs/PROTOCOL.md, "Workers"). Immutable.
 *
 * @param revokedAt null while the key is active
 */
public record WorkerRecord(long id, String name, String publicKey, Instant enrolledAt, String enrolledBy,
                           Instant revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
