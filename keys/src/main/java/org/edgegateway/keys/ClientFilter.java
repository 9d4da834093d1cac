package org.edgegateway.keys;

/**
 * Which clients a listing holds: those whose name contains {@code text} in any case or whose public
 * key starts with it, and of those the ones of {@code status}; null for either matches every client.
 * Immutable; checked when made.
 *
 * @param text   searched for, stripped; blank is null; at most {@value #MAX_TEXT} characters
 * @param status the status wanted, or null for any
 */
public record ClientFilter(String text, ClientStatus status) {

    /** The longest search text: a name's length (a key is shorter). */
    public static final int MAX_TEXT = ClientNames.MAX_LENGTH;

    /** Every client. */
    public static final ClientFilter ALL = new ClientFilter(null, null);

    public ClientFilter {
        if (text != null) {
            text = text.strip();
            if (text.isEmpty()) {
                text = null;
            } else if (text.length() > MAX_TEXT) {
                throw new IllegalArgumentException("search text is " + text.length() + " characters long (at most "
                        + MAX_TEXT + ")");
            }
        }
    }
}
