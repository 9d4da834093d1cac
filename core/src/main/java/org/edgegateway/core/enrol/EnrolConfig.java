package org.edgegateway.core.enrol;

import org.edgegateway.core.config.ConfigException;
import org.edgegateway.core.config.Settings;

/**
 * The settings of the enrolment port, checked together. Immutable.
 *
 * @param endpoint         the ROUTER's bind endpoint, {@code tcp://host:port}
 * @param publicEndpoint   the endpoint written into claim files; empty: derived from the bound one
 * @param attemptsPerMinute requests one address may make per minute, after {@code burst} at once
 * @param trackedAddresses  addresses whose rate is tracked at most
 */
public record EnrolConfig(String endpoint, String publicEndpoint, int attemptsPerMinute, int burst,
                          int trackedAddresses) {

    public EnrolConfig {
        if (endpoint == null || !endpoint.startsWith("tcp://") || endpoint.lastIndexOf(':') <= 5) {
            throw new ConfigException("enrol.endpoint", "enrol.endpoint must be tcp://HOST:PORT, got " + endpoint);
        }
        if (publicEndpoint == null) {
            publicEndpoint = "";
        }
        if (!publicEndpoint.isEmpty() && !publicEndpoint.startsWith("tcp://")) {
            throw new ConfigException("enrol.public-endpoint",
                    "enrol.public-endpoint must be empty or tcp://HOST:PORT, got " + publicEndpoint);
        }
        if (attemptsPerMinute < 1) {
            throw new ConfigException("enrol.attempts-per-minute",
                    "enrol.attempts-per-minute must be at least 1, got " + attemptsPerMinute);
        }
        if (burst < 1) {
            throw new ConfigException("enrol.burst", "enrol.burst must be at least 1, got " + burst);
        }
        if (trackedAddresses < 16) {
            throw new ConfigException("enrol.tracked-addresses",
                    "enrol.tracked-addresses must be at least 16, got " + trackedAddresses);
        }
    }

    public static EnrolConfig from(Settings s) {
        return new EnrolConfig(s.get(EnrolSettings.ENDPOINT), s.get(EnrolSettings.PUBLIC_ENDPOINT),
                s.get(EnrolSettings.ATTEMPTS_PER_MINUTE), s.get(EnrolSettings.BURST),
                s.get(EnrolSettings.TRACKED_ADDRESSES));
    }

    /** The defaults, bound to {@code endpoint}. */
    public static EnrolConfig defaults(String endpoint) {
        return from(Settings.of(EnrolSettings.ALL, java.util.Map.of("enrol.endpoint", endpoint)));
    }
}
