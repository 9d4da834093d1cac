package org.edgegateway.keys;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which rows of the audit log a search returns ({@link AuditLog#search}): those by {@code actor}, of
 * one of {@code actions}, about {@code subject}, at or after {@code from} and before {@code to}; null
 * (or no actions) for any. An action matches itself and every action below it, so {@code client}
 * matches {@code client.enrol} and {@code client.bundle.download}, and {@code client.enrol} only
 * itself. Immutable; checked when made.
 *
 * @param actor   who did it, exactly as written ({@code admin}, {@code token:ci}, {@code cli:root})
 * @param actions at most {@value #MAX_ACTIONS}, each {@code A-Z a-z 0-9 . _ -}
 * @param subject what it was done to, exactly (a client's name, for one)
 */
public record AuditFilter(String actor, List<String> actions, String subject, Instant from, Instant to) {

    public static final int MAX_ACTIONS = 16;
    private static final int MAX_ACTION = 64;
    private static final int MAX_SUBJECT = 128;
    private static final Pattern ACTION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Every row. */
    public static final AuditFilter NONE = new AuditFilter(null, List.of(), null, null, null);

    public AuditFilter {
        actor = text("actor", actor, StoreArgs.MAX_ACTOR);
        subject = text("subject", subject, MAX_SUBJECT);
        List<String> checked = new ArrayList<>();
        for (String a : actions == null ? List.<String>of() : actions) {
            String action = text("action", a, MAX_ACTION);
            if (action == null) {
                continue;
            }
            if (!ACTION.matcher(action).matches()) {
                throw new IllegalArgumentException("action " + ClientNames.quote(action)
                        + " may only contain A-Z a-z 0-9 . _ - and must start with a letter or a digit");
            }
            checked.add(action);
        }
        if (checked.size() > MAX_ACTIONS) {
            throw new IllegalArgumentException(checked.size() + " actions asked for (at most " + MAX_ACTIONS + ")");
        }
        actions = List.copyOf(checked);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("the time range from " + from + " to " + to + " is empty");
        }
    }

    /**
     * {@code text} as a time with its offset ({@code 2026-01-01T10:00:00Z}, {@code ...+02:00}) for a
     * bound named {@code what}; null for null or blank.
     *
     * @throws IllegalArgumentException naming {@code what} and the form expected
     */
    public static Instant time(String what, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a time such as 2026-01-01T10:00:00Z", e);
        }
    }

    /** The rows about {@code subject}. */
    public static AuditFilter about(String subject) {
        return new AuditFilter(null, List.of(), subject, null, null);
    }

    private static String text(String what, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.length() > max) {
            throw new IllegalArgumentException(what + " is " + v.length() + " characters long (at most " + max + ")");
        }
        return v;
    }
}
