package org.edgegateway.keys;

/**
 * Per-client rate limits; a {@code null} field means "use the gateway's default".
 *
 * @param messagesPerSecond sustained messages per second (positive and finite)
 * @param burst             token bucket size in messages (positive)
 * @param bytesPerSecond    sustained payload bytes per second (positive)
 */
public record ClientLimits(Double messagesPerSecond, Integer burst, Long bytesPerSecond) {

    /** No override: every limit is the gateway's default. */
    public static final ClientLimits DEFAULTS = new ClientLimits(null, null, null);

    public ClientLimits {
        if (messagesPerSecond != null
                && (!Double.isFinite(messagesPerSecond) || messagesPerSecond <= 0)) {
            throw new IllegalArgumentException(
                    "messagesPerSecond must be positive and finite, got " + messagesPerSecond);
        }
        if (burst != null && burst <= 0) {
            throw new IllegalArgumentException("burst must be positive, got " + burst);
        }
        if (bytesPerSecond != null && bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive, got " + bytesPerSecond);
        }
    }

    /** Whether every limit is the gateway's default. */
    public boolean isDefault() {
        return messagesPerSecond == null && burst == null && bytesPerSecond == null;
    }
}
