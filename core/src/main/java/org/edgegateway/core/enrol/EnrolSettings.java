package org.edgegateway.core.enrol;

import java.util.List;
import org.edgegateway.core.config.Setting;
import org.edgegateway.core.config.Settings;

/** The configuration keys of the enrolment port ({@code enrol.*}). Constants only. */
public final class EnrolSettings {

    public static final Setting<Boolean> ENABLED = Settings.bool("enrol.enabled", "false",
            "Serve enrolment on claims (enrol.endpoint): sensors enrol keys they made themselves; off until an admin wants it");
    public static final Setting<String> ENDPOINT = Settings.text("enrol.endpoint", "tcp://*:5558",
            "ZeroMQ endpoint of the enrolment port: a CURVE ROUTER that admits any key for one exchange, [ENROL, claim-secret, NAME]");
    public static final Setting<String> PUBLIC_ENDPOINT = Settings.text("enrol.public-endpoint", "",
            "Enrolment endpoint written into claim files (empty: enrol.endpoint with the host name for a wildcard)");
    public static final Setting<Integer> ATTEMPTS_PER_MINUTE = Settings.integer("enrol.attempts-per-minute", "10", 1, 10_000,
            "Enrolment requests one address may make per minute (after a burst of enrol.burst); more are answered RATE_LIMITED");
    public static final Setting<Integer> BURST = Settings.integer("enrol.burst", "5", 1, 10_000,
            "Enrolment requests one address may make at once");
    public static final Setting<Integer> TRACKED_ADDRESSES = Settings.integer("enrol.tracked-addresses", "10000", 16, 10_000_000,
            "Addresses whose request rate the enrolment port tracks (the least recently seen forgotten first)");

    /** Every key of the enrolment port, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(ENABLED, ENDPOINT, PUBLIC_ENDPOINT, ATTEMPTS_PER_MINUTE, BURST,
            TRACKED_ADDRESSES);

    private EnrolSettings() {
    }
}
