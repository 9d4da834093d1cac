package org.edgegateway.keys;

import java.util.regex.Pattern;

/**
 * The rule for client names (and the other names the key store keeps: admin users, API tokens,
 * certificate file names): 1 to 64 characters of {@code A-Z a-z 0-9 . _ -}, starting with a letter
 * or a digit. Such a name is safe in a file name, a URL path segment, a log line and an audit row.
 * Stateless and thread-safe.
 */
public final class ClientNames {

    /** The longest name accepted. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private ClientNames() {
    }

    /** Returns {@code name} if it is a valid client name, else throws IllegalArgumentException. */
    public static String requireValid(String name) {
        return requireValid("client name", name);
    }

    /** Whether {@code name} is a valid client name. */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Checks {@code name} against the rule, naming it {@code what} in the message. */
    public static String requireValid(String what, String name) {
        if (name == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (!VALID.matcher(name).matches()) {
            String why;
            if (name.isEmpty()) {
                why = "is empty";
            } else if (name.length() > MAX_LENGTH) {
                why = "is " + name.length() + " characters long (at most " + MAX_LENGTH + ")";
            } else if (!Character.isLetterOrDigit(name.charAt(0)) || name.charAt(0) > 0x7F) {
                why = "must start with a letter or a digit";
            } else {
                why = "may only contain A-Z a-z 0-9 . _ -";
            }
            throw new IllegalArgumentException(what + " " + quote(name) + " " + why);
        }
        return name;
    }

    /** The value quoted for a message: control characters escaped, long values shortened. */
    static String quote(String value) {
        StringBuilder b = new StringBuilder("'");
        int limit = Math.min(value.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (value.length() > limit) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
