package org.edgegateway.keys;

/**
 * The argument checks the parts of a {@link KeyStore} share, each failure an INVALID
 * {@link KeyStoreException} naming the value. Stateless.
 */
final class StoreArgs {

    static final int MAX_ACTOR = 128;
    static final int MAX_SOURCE = 256;
    static final int MAX_HASH = 512;

    private StoreArgs() {
    }

    /** Checks who made a change (required) and where from (optional). */
    static void requireActor(String actor, String source) {
        requireText("actor", actor, MAX_ACTOR, true);
        requireText("source", source, MAX_SOURCE, false);
    }

    static void requireName(String what, String name) {
        try {
            ClientNames.requireValid(what, name);
        } catch (IllegalArgumentException e) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, e.getMessage(), e);
        }
    }

    static void requireKey(String name, String z85) {
        try {
            byte[] key = Z85.decodeKey(z85);
            boolean zero = true;
            for (byte b : key) {
                zero &= b == 0;
            }
            if (zero) {
                throw new IllegalArgumentException("the all-zero key is not a CURVE public key");
            }
        } catch (IllegalArgumentException e) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "public key of client '" + name + "': " + e.getMessage(), e);
        }
    }

    static void requireText(String what, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID, what + " is missing");
            }
            return;
        }
        if (value.length() > max) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    what + " is " + value.length() + " characters long (at most " + max + ")");
        }
    }
}
