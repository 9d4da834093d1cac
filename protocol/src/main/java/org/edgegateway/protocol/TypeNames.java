package org.edgegateway.protocol;

import java.util.regex.Pattern;

/** Message type names: ASCII tokens of 1 to 32 letters, digits, '_', '-' or '.'. */
public final class TypeNames {
    /** The longest type name accepted. */
    public static final int MAX_LENGTH = 32;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.\\-]{1," + MAX_LENGTH + "}");

    private TypeNames() {
    }

    public static boolean isValid(String type) {
        return type != null && TOKEN.matcher(type).matches();
    }

    /** Checks a frame without building a string for junk: only ASCII token bytes qualify. */
    public static boolean isValid(byte[] frame) {
        if (frame == null || frame.length == 0 || frame.length > MAX_LENGTH) {
            return false;
        }
        for (byte b : frame) {
            boolean ok = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                    || b == '_' || b == '-' || b == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static String requireValid(String type) {
        if (!isValid(type)) {
            throw new IllegalArgumentException("type is not a token of 1-" + MAX_LENGTH
                    + " characters [A-Za-z0-9_.-]: " + Frames.printable(type));
        }
        return type;
    }
}
