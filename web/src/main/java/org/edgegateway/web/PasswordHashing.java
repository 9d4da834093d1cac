package org.edgegateway.web;

import java.util.Arrays;
import java.util.concurrent.Semaphore;

/**
 * The web's Argon2id work (logins, password changes, the passwords admins set for others), at most
 * as many at once as it has slots. Each takes 19 MiB, so one more is refused at once (429), never
 * queued: a queue would hold a server thread per waiting attacker. Thread-safe: the hasher and the
 * semaphore are.
 */
final class PasswordHashing {

    private final PasswordHasher hasher;
    private final Semaphore slots;
    /**
     * Checked against when there is no hash (an unknown user), so that the check takes as long either
     * way: the hasher's cost, nothing it derives (no Argon2 at start).
     */
    private final String dummyHash;

    PasswordHashing(PasswordHasher hasher, Semaphore slots) {
        this.hasher = hasher;
        this.slots = slots;
        this.dummyHash = hasher.unmatchable();
    }

    /**
     * Whether {@code password} matches the PHC string {@code hash}; with no hash (null) false, after
     * the same work as a check. A 429 when every slot is busy.
     */
    boolean verify(String password, String hash) {
        acquire();
        char[] chars = password.toCharArray();
        try {
            return hasher.verify(chars, hash == null ? dummyHash : hash) && hash != null;
        } finally {
            Arrays.fill(chars, '\0');
            slots.release();
        }
    }

    /** The PHC string of a fresh hash of {@code password}; a 429 when every slot is busy. */
    String hash(String password) {
        acquire();
        char[] chars = password.toCharArray();
        try {
            return hasher.hash(chars);
        } finally {
            Arrays.fill(chars, '\0');
            slots.release();
        }
    }

    private void acquire() {
        if (!slots.tryAcquire()) {
            throw new ApiException(429, "THROTTLED", "too many logins at once; try again in a second", 1);
        }
    }
}
