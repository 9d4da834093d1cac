package org.edgegateway.core.admission;

import java.time.Duration;
import java.util.Map;
import org.edgegateway.core.config.ConfigException;
import org.edgegateway.core.config.Settings;
import org.edgegateway.keys.ClientLimits;

/**
 * Flood defence settings, checked together. Immutable. See {@link AdmissionSettings} for the keys.
 *
 * @param messagesPerSecond      default sustained message rate per client
 * @param burst                  default bucket size in messages
 * @param bytesPerSecond         default sustained byte rate per client (the bucket holds one second's worth)
 * @param rateLimitedReplyInterval at most one {@code RATE_LIMITED} answer per client in this time
 * @param violations             over-limit messages within {@code window} that quarantine a client
 * @param malformed              malformed messages within {@code window} that quarantine a client
 * @param quarantineDuration     length of an automatic quarantine; null for indefinite
 * @param expiryCheck            how often expired quarantines are released
 * @param loopHandshakes         admitted handshakes of one key within {@code loopWindow} that quarantine it
 * @param loopWindow             the window of {@code loopHandshakes}
 * @param banAuthFailures        failed authentications from one address within {@code banAuthWindow} that ban it
 * @param banHandshakes          failed or abandoned handshakes (connections that ended before the ZAP handler
 *                               decided) from one address within {@code banHandshakeWindow} that ban it
 * @param banTrackedAddresses    bound of the per-address tracking table and of the ban list
 * @param banExemptLoopback      whether loopback addresses are never banned
 */
public record AdmissionConfig(double messagesPerSecond, int burst, long bytesPerSecond,
                              Duration rateLimitedReplyInterval, int violations, int malformed, Duration window,
                              Duration quarantineDuration, Duration expiryCheck, int loopHandshakes,
                              Duration loopWindow, int banAuthFailures, Duration banAuthWindow, int banHandshakes,
                              Duration banHandshakeWindow, Duration banDuration, int banTrackedAddresses,
                              boolean banExemptLoopback) {

    public AdmissionConfig {
        if (!(messagesPerSecond > 0) || !Double.isFinite(messagesPerSecond)) {
            throw new ConfigException(AdmissionSettings.RATE.key(),
                    AdmissionSettings.RATE.key() + " must be positive, got " + messagesPerSecond);
        }
        atLeastOne(AdmissionSettings.BURST.key(), burst);
        if (bytesPerSecond < 1) {
            throw new ConfigException(AdmissionSettings.BYTE_RATE.key(),
                    AdmissionSettings.BYTE_RATE.key() + " must be positive, got " + bytesPerSecond);
        }
        if (rateLimitedReplyInterval == null || rateLimitedReplyInterval.isNegative()) {
            throw new ConfigException(AdmissionSettings.REPLY_INTERVAL.key(),
                    AdmissionSettings.REPLY_INTERVAL.key() + " must be zero or positive, got " + rateLimitedReplyInterval);
        }
        atLeastOne(AdmissionSettings.VIOLATIONS.key(), violations);
        atLeastOne(AdmissionSettings.MALFORMED.key(), malformed);
        positive(AdmissionSettings.WINDOW.key(), window);
        if (quarantineDuration != null) {
            positive(AdmissionSettings.QUARANTINE_DURATION.key(), quarantineDuration);
        }
        positive(AdmissionSettings.EXPIRY_CHECK.key(), expiryCheck);
        atLeastOne(AdmissionSettings.LOOP_HANDSHAKES.key(), loopHandshakes);
        positive(AdmissionSettings.LOOP_WINDOW.key(), loopWindow);
        atLeastOne(AdmissionSettings.BAN_FAILURES.key(), banAuthFailures);
        positive(AdmissionSettings.BAN_FAILURE_WINDOW.key(), banAuthWindow);
        atLeastOne(AdmissionSettings.BAN_HANDSHAKES.key(), banHandshakes);
        positive(AdmissionSettings.BAN_HANDSHAKE_WINDOW.key(), banHandshakeWindow);
        positive(AdmissionSettings.BAN_DURATION.key(), banDuration);
        if (banTrackedAddresses < 16) {
            throw new ConfigException(AdmissionSettings.BAN_TRACKED.key(),
                    AdmissionSettings.BAN_TRACKED.key() + " must be at least 16, got " + banTrackedAddresses);
        }
    }

    private static void atLeastOne(String key, int value) {
        if (value < 1) {
            throw new ConfigException(key, key + " must be at least 1, got " + value);
        }
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new ConfigException(key, key + " must be a positive duration, got " + d);
        }
    }

    /** Reads the {@link AdmissionSettings#ALL} keys (which {@code s} must have been loaded with). */
    public static AdmissionConfig from(Settings s) {
        return new AdmissionConfig(s.get(AdmissionSettings.RATE), s.get(AdmissionSettings.BURST),
                s.get(AdmissionSettings.BYTE_RATE), s.get(AdmissionSettings.REPLY_INTERVAL),
                s.get(AdmissionSettings.VIOLATIONS), s.get(AdmissionSettings.MALFORMED), s.get(AdmissionSettings.WINDOW),
                s.get(AdmissionSettings.QUARANTINE_DURATION), s.get(AdmissionSettings.EXPIRY_CHECK),
                s.get(AdmissionSettings.LOOP_HANDSHAKES), s.get(AdmissionSettings.LOOP_WINDOW),
                s.get(AdmissionSettings.BAN_FAILURES), s.get(AdmissionSettings.BAN_FAILURE_WINDOW),
                s.get(AdmissionSettings.BAN_HANDSHAKES), s.get(AdmissionSettings.BAN_HANDSHAKE_WINDOW),
                s.get(AdmissionSettings.BAN_DURATION), s.get(AdmissionSettings.BAN_TRACKED),
                s.get(AdmissionSettings.BAN_EXEMPT_LOOPBACK));
    }

    /** The documented defaults. */
    public static AdmissionConfig defaults() {
        return of(Map.of());
    }

    /** The defaults with {@code overrides} on top, keys as in the file; for tests and tools. */
    public static AdmissionConfig of(Map<String, String> overrides) {
        return from(Settings.of(AdmissionSettings.ALL, overrides));
    }

    /** The limits of a client: its overrides where it has them, these defaults elsewhere. */
    public Limits limitsFor(ClientLimits overrides) {
        ClientLimits o = overrides == null ? ClientLimits.DEFAULTS : overrides;
        return new Limits(o.messagesPerSecond() != null ? o.messagesPerSecond() : messagesPerSecond,
                o.burst() != null ? o.burst() : burst,
                o.bytesPerSecond() != null ? o.bytesPerSecond() : bytesPerSecond);
    }

    /** Effective limits of one client. Immutable. */
    public record Limits(double messagesPerSecond, int burst, long bytesPerSecond) {
    }
}
