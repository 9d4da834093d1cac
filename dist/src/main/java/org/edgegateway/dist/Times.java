package org.edgegateway.dist;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * How the command line writes a time: ISO 8601 in UTC to the second ({@code 2026-12-02T19:02:43Z}),
 * the form the API answers and the admin UI shows. Stateless.
 */
final class Times {

    private Times() {
    }

    /** {@code at} in that form, or {@code none} when it is null. */
    static String iso(Instant at, String none) {
        return at == null ? none : DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    }
}
