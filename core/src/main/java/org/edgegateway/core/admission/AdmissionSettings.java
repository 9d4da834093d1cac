package org.edgegateway.core.admission;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.edgegateway.core.config.Setting;
import org.edgegateway.core.config.Settings;

/**
 * The configuration keys of flood defence: rate limits, automatic quarantine and address bans. The
 * composition root loads them beside {@link Settings#CORE} and builds an {@link AdmissionConfig}
 * with {@link AdmissionConfig#from(Settings)}.
 */
public final class AdmissionSettings {

    public static final Setting<Double> RATE = Settings.decimal("admission.rate.messages-per-second", "100",
            0.001, 10_000_000, "Default sustained messages per second per client (token bucket refill); "
                    + "overridden per client with 'clients limit NAME --rate'");
    public static final Setting<Integer> BURST = Settings.integer("admission.rate.burst", "500", 1, 100_000_000,
            "Default token bucket size per client, in messages: how many may arrive at once");
    public static final Setting<Long> BYTE_RATE = new Setting<>("admission.rate.bytes-per-second", "4MiB",
            "Default sustained payload bytes per second per client (the bucket holds one second's worth)",
            Settings::bytes);
    public static final Setting<Duration> REPLY_INTERVAL = Settings.duration("admission.rate.reply-interval", "100ms",
            "At most one ERROR RATE_LIMITED per client in this time; the other dropped messages get no answer");
    public static final Setting<Integer> VIOLATIONS = Settings.integer("admission.quarantine.violations", "1000",
            1, Integer.MAX_VALUE, "Messages over the limit within admission.quarantine.window that quarantine a client");
    public static final Setting<Integer> MALFORMED = Settings.integer("admission.quarantine.malformed", "100",
            1, Integer.MAX_VALUE, "Malformed messages within admission.quarantine.window that quarantine a client");
    public static final Setting<Duration> WINDOW = Settings.duration("admission.quarantine.window", "10s",
            "Sliding window over which violations and malformed messages are counted");
    public static final Setting<Duration> QUARANTINE_DURATION = new Setting<>("admission.quarantine.duration", "15m",
            "How long an automatic quarantine lasts; 'indefinite' keeps it until an admin releases the client",
            AdmissionSettings::durationOrIndefinite);
    public static final Setting<Duration> EXPIRY_CHECK = Settings.duration("admission.quarantine.expiry-check", "5s",
            "How often expired quarantines are released (and audited)");
    public static final Setting<Integer> LOOP_HANDSHAKES = Settings.integer("admission.quarantine.handshakes", "60",
            1, Integer.MAX_VALUE, "Admitted handshakes of one key within admission.quarantine.handshake-window that"
                    + " quarantine it: a client reconnecting in a loop is its own problem, not its address's");
    public static final Setting<Duration> LOOP_WINDOW = Settings.duration("admission.quarantine.handshake-window", "10s",
            "Sliding window over which admitted handshakes per key are counted");
    public static final Setting<Integer> BAN_FAILURES = Settings.integer("admission.ban.auth-failures", "10",
            1, Integer.MAX_VALUE, "Failed CURVE authentications from one address within admission.ban.auth-window that ban it");
    public static final Setting<Duration> BAN_FAILURE_WINDOW = Settings.duration("admission.ban.auth-window", "60s",
            "Sliding window over which failed authentications per address are counted");
    public static final Setting<Integer> BAN_HANDSHAKES = Settings.integer("admission.ban.handshakes", "60",
            1, Integer.MAX_VALUE, "Failed or abandoned handshakes from one address within admission.ban.handshake-window"
                    + " that ban it: connections that end before the ZAP handler decided (malformed greetings, dropped"
                    + " or stalled handshakes); successful handshakes of enrolled keys never count");
    public static final Setting<Duration> BAN_HANDSHAKE_WINDOW = Settings.duration("admission.ban.handshake-window", "10s",
            "Sliding window over which failed or abandoned handshakes per address are counted");
    public static final Setting<Duration> BAN_DURATION = Settings.duration("admission.ban.duration", "10m",
            "How long an address ban lasts");
    public static final Setting<Integer> BAN_TRACKED = Settings.integer("admission.ban.tracked-addresses", "4096",
            16, 10_000_000, "Addresses tracked for bans (least recently seen forgotten first), and most bans held at once");
    public static final Setting<Boolean> BAN_EXEMPT_LOOPBACK = Settings.bool("admission.ban.exempt-loopback", "false",
            "Never ban loopback addresses (127.0.0.0/8, ::1)");

    /** Every key, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(RATE, BURST, BYTE_RATE, REPLY_INTERVAL, VIOLATIONS, MALFORMED,
            WINDOW, QUARANTINE_DURATION, EXPIRY_CHECK, LOOP_HANDSHAKES, LOOP_WINDOW, BAN_FAILURES, BAN_FAILURE_WINDOW, BAN_HANDSHAKES,
            BAN_HANDSHAKE_WINDOW, BAN_DURATION, BAN_TRACKED, BAN_EXEMPT_LOOPBACK);

    private AdmissionSettings() {
    }

    /** A duration, or null for {@code indefinite}. */
    static Duration durationOrIndefinite(String text) {
        if (text.trim().toLowerCase(Locale.ROOT).equals("indefinite")) {
            return null;
        }
        Duration d = Settings.duration(text);
        if (d.isZero()) {
            throw new IllegalArgumentException("'" + text + "' must be positive, or 'indefinite'");
        }
        return d;
    }
}
