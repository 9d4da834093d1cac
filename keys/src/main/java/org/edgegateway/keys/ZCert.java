package org.edgegateway.keys;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A ZeroMQ CURVE certificate as czmq's {@code zcert} and pyzmq's {@code zmq.auth} keep it:
 * a public key, a secret key for a secret certificate ({@code null} for a public-only one), and
 * metadata. Immutable and thread-safe: accessors return copies; {@link #toString()} never shows
 * the secret.
 *
 * <p>Metadata names follow ZPL (letters, digits and {@code $-_@.&+/}, not starting with
 * {@code public-key} or {@code secret-key}, which pyzmq's loader would mistake for keys);
 * values are printable text without double quotes.
 */
public record ZCert(byte[] publicKey, byte[] secretKey, Map<String, String> metadata) {

    private static final Pattern META_NAME = Pattern.compile("[A-Za-z0-9$_@.&+/-]{1,64}");
    private static final int MAX_VALUE = 1024;

    public ZCert {
        if (publicKey == null || publicKey.length != Z85.KEY_BYTES) {
            throw new IllegalArgumentException("certificate public key must be " + Z85.KEY_BYTES
                    + " bytes, got " + (publicKey == null ? "null" : publicKey.length));
        }
        publicKey = publicKey.clone();
        if (secretKey != null) {
            if (secretKey.length != Z85.KEY_BYTES) {
                throw new IllegalArgumentException("certificate secret key must be "
                        + Z85.KEY_BYTES + " bytes, got " + secretKey.length);
            }
            secretKey = secretKey.clone();
            if (!MessageDigest.isEqual(publicKey, CurveKeyPair.derivePublic(secretKey))) {
                throw new IllegalArgumentException("certificate public key " + Z85.encode(publicKey)
                        + " does not belong to its secret key");
            }
        }
        Map<String, String> copy = new LinkedHashMap<>();
        if (metadata != null) {
            metadata.forEach((name, value) -> {
                requireMetadataName(name);
                requireMetadataValue(name, value);
                copy.put(name, value);
            });
        }
        metadata = Collections.unmodifiableMap(copy);
    }

    /** A secret certificate for {@code pair}. */
    public static ZCert of(CurveKeyPair pair, Map<String, String> metadata) {
        return new ZCert(pair.publicKey(), pair.secretKey(), metadata);
    }

    /** A public-only certificate for {@code publicKey}. */
    public static ZCert ofPublic(byte[] publicKey, Map<String, String> metadata) {
        return new ZCert(publicKey, null, metadata);
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The secret key, or {@code null} for a public-only certificate. */
    @Override
    public byte[] secretKey() {
        return secretKey == null ? null : secretKey.clone();
    }

    public boolean hasSecret() {
        return secretKey != null;
    }

    public String publicZ85() {
        return Z85.encode(publicKey);
    }

    /** The secret key in Z85, or {@code null} for a public-only certificate. */
    public String secretZ85() {
        return secretKey == null ? null : Z85.encode(secretKey);
    }

    /** The key pair of a secret certificate. */
    public CurveKeyPair keyPair() {
        if (secretKey == null) {
            throw new IllegalStateException(
                    "certificate " + publicZ85() + " is public-only: it has no secret key");
        }
        return new CurveKeyPair(publicKey, secretKey);
    }

    /** This certificate without its secret key. */
    public ZCert publicOnly() {
        return new ZCert(publicKey, null, metadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZCert other
                && Arrays.equals(publicKey, other.publicKey)
                && MessageDigest.isEqual(
                        secretKey == null ? new byte[0] : secretKey,
                        other.secretKey == null ? new byte[0] : other.secretKey)
                && (secretKey == null) == (other.secretKey == null)
                && metadata.equals(other.metadata);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey) * 31 + metadata.hashCode();
    }

    @Override
    public String toString() {
        return "ZCert[public=" + publicZ85() + ", secret=" + (secretKey == null ? "none" : "<hidden>")
                + ", metadata=" + metadata + "]";
    }

    static void requireMetadataName(String name) {
        if (name == null || !META_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("certificate metadata name "
                    + (name == null ? "null" : ClientNames.quote(name))
                    + " must be 1-64 characters of A-Z a-z 0-9 $ - _ @ . & + /");
        }
        if (name.startsWith("public-key") || name.startsWith("secret-key")) {
            throw new IllegalArgumentException("certificate metadata name '" + name
                    + "' is reserved: it would be read as a key");
        }
    }

    static void requireMetadataValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("certificate metadata '" + name + "' has no value");
        }
        if (value.length() > MAX_VALUE) {
            throw new IllegalArgumentException("certificate metadata '" + name + "' is "
                    + value.length() + " characters long (at most " + MAX_VALUE + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '"') {
                throw new IllegalArgumentException("certificate metadata '" + name
                        + "' has a forbidden character (control character or double quote)"
                        + " at position " + i);
            }
        }
    }
}
