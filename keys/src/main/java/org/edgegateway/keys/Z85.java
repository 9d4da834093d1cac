package org.edgegateway.keys;

/**
 * The Z85 encoding of ZeroMQ RFC 32 (stateless, thread-safe): four bytes become five printable
 * characters. CURVE keys are 32 bytes, so 40 characters in Z85. The codec is JeroMQ's
 * ({@code zmq.util.Z85}); this class adds the checks at the boundary.
 *
 * <p>Unlike the reference code, decoding is strict: a character outside the alphabet or a group
 * whose value does not fit in 32 bits is refused with its position, so a mistyped key is reported
 * instead of being silently decoded to some other key.
 */
public final class Z85 {

    /** Length in characters of a 32-byte key in Z85. */
    public static final int KEY_CHARS = 40;
    /** Length in bytes of a CURVE key. */
    public static final int KEY_BYTES = 32;

    private static final String ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    private Z85() {
    }

    /** Encodes {@code data}, whose length must be a multiple of 4. */
    public static String encode(byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("Z85 input is null");
        }
        if (data.length % 4 != 0) {
            throw new IllegalArgumentException(
                    "Z85 input length must be a multiple of 4 bytes, got " + data.length);
        }
        return zmq.util.Z85.encode(data, data.length);
    }

    /** Decodes {@code text}, whose length must be a multiple of 5. */
    public static byte[] decode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Z85 input is null");
        }
        if (text.length() % 5 != 0) {
            throw new IllegalArgumentException(
                    "Z85 input length must be a multiple of 5 characters, got " + text.length());
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (ALPHABET.indexOf(c) < 0) {
                throw new IllegalArgumentException("invalid Z85 character " + describe(c) + " at position " + i);
            }
        }
        byte[] out = zmq.util.Z85.decode(text);
        String back = zmq.util.Z85.encode(out, out.length);
        for (int i = 0; i < text.length(); i += 5) {
            if (!back.regionMatches(i, text, i, 5)) {
                // a group over 2^32 - 1 wraps around in the codec, so it does not encode back to itself
                throw new IllegalArgumentException("Z85 group at position " + i
                        + " (\"" + text.substring(i, i + 5) + "\") exceeds 32 bits");
            }
        }
        return out;
    }

    /** Decodes a CURVE key: exactly 40 Z85 characters to 32 bytes. */
    public static byte[] decodeKey(String z85) {
        if (z85 == null) {
            throw new IllegalArgumentException("Z85 key is missing");
        }
        if (z85.length() != KEY_CHARS) {
            throw new IllegalArgumentException(
                    "Z85 key must be " + KEY_CHARS + " characters, got " + z85.length());
        }
        return decode(z85);
    }

    /** Encodes a 32-byte CURVE key as 40 Z85 characters. */
    public static String encodeKey(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("CURVE key must be " + KEY_BYTES + " bytes, got "
                    + (key == null ? "null" : String.valueOf(key.length)));
        }
        return encode(key);
    }

    /** Whether {@code z85} is a well-formed 40-character key. */
    public static boolean isValidKey(String z85) {
        try {
            decodeKey(z85);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String describe(char c) {
        if (c >= 0x20 && c < 0x7F) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }
}
