package org.edgegateway.keys;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A CURVE (X25519) key pair, immutable and thread-safe: every accessor returns a copy.
 *
 * <p>The secret is 32 random bytes kept unclamped and the public key is
 * {@code X25519(secret, 9)}, exactly as libsodium's {@code crypto_box_keypair} and libzmq's
 * {@code zmq_curve_keypair} make them, so pairs interoperate with libzmq, pyzmq, czmq and JeroMQ.
 * The constructor checks that the public key belongs to the secret key.
 * {@link #toString()} never shows the secret.
 */
public record CurveKeyPair(byte[] publicKey, byte[] secretKey) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public CurveKeyPair {
        requireKey("public key", publicKey);
        requireKey("secret key", secretKey);
        publicKey = publicKey.clone();
        secretKey = secretKey.clone();
        if (!MessageDigest.isEqual(publicKey, derivePublic(secretKey))) {
            throw new IllegalArgumentException("public key " + Z85.encode(publicKey)
                    + " does not belong to the given secret key");
        }
    }

    /** A new pair from a strong random source. */
    public static CurveKeyPair generate() {
        byte[] secret = new byte[Z85.KEY_BYTES];
        RANDOM.nextBytes(secret);
        try {
            return fromSecret(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The pair whose secret key is {@code secret} (32 bytes). */
    public static CurveKeyPair fromSecret(byte[] secret) {
        requireKey("secret key", secret);
        return new CurveKeyPair(derivePublic(secret), secret);
    }

    /** The pair whose secret key is the 40-character Z85 {@code secretZ85}. */
    public static CurveKeyPair fromSecretZ85(String secretZ85) {
        byte[] secret = Z85.decodeKey(secretZ85);
        try {
            return fromSecret(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The public key that belongs to {@code secret}: {@code X25519(secret, basepoint)}. */
    static byte[] derivePublic(byte[] secret) {
        byte[] pub = new byte[X25519.POINT_SIZE];
        X25519.scalarMultBase(secret, 0, pub, 0);
        return pub;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] secretKey() {
        return secretKey.clone();
    }

    public String publicZ85() {
        return Z85.encode(publicKey);
    }

    public String secretZ85() {
        return Z85.encode(secretKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CurveKeyPair other
                && Arrays.equals(publicKey, other.publicKey)
                && MessageDigest.isEqual(secretKey, other.secretKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "CurveKeyPair[public=" + publicZ85() + ", secret=<hidden>]";
    }

    private static void requireKey(String what, byte[] key) {
        if (key == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (key.length != Z85.KEY_BYTES) {
            throw new IllegalArgumentException(
                    what + " must be " + Z85.KEY_BYTES + " bytes, got " + key.length);
        }
    }
}
