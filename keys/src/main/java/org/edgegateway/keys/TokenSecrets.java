package org.edgegateway.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The plaintext of API tokens and the hash the key store keeps of them. Stateless and thread-safe.
 *
 * <p>A token is {@code egw_} followed by 32 random bytes in unpadded base64url. Only its SHA-256 is
 * stored: the token carries 256 bits of entropy, so a fast hash is as safe as a slow one and keeps
 * each API request cheap. The plaintext is shown once, when the token is made, and never again.
 */
public final class TokenSecrets {

    public static final String PREFIX = "egw_";
    private static final int MAX_LENGTH = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenSecrets() {
    }

    /** A new random token. */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code token} has the shape of a token (checked before it is hashed and looked up). */
    public static boolean wellFormed(String token) {
        return token != null && token.startsWith(PREFIX) && token.length() <= MAX_LENGTH;
    }

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes, as stored. */
    public static String hash(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
