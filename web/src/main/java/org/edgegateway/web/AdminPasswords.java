package org.edgegateway.web;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Admin passwords: the rule a chosen one meets, and the one-time ones the gateway makes (the first
 * admin's, a new admin's, a reset's), which their owner replaces at the first login. The CLI makes
 * and hashes them as the UI does. Stateless and thread-safe.
 */
public final class AdminPasswords {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminPasswords() {
    }

    /** A new password: 18 random bytes (144 bits) in unpadded base64url, 24 characters. */
    public static String generate() {
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        java.util.Arrays.fill(random, (byte) 0);
        return password;
    }

    /** {@code password} when it has {@value #MIN_LENGTH} to {@value #MAX_LENGTH} characters, else IllegalArgumentException. */
    public static String requireAcceptable(String what, String password) {
        if (password == null || password.length() < MIN_LENGTH || password.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " must have " + MIN_LENGTH + " to " + MAX_LENGTH + " characters");
        }
        return password;
    }
}
