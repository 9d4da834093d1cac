package org.edgegateway.core.admin;

import java.time.Instant;
import org.edgegateway.keys.ClaimRecord;

/**
 * An enrolment claim as admins see it: never its secret, which exists only in the claim file.
 *
 * @param approval {@code auto} or {@code manual}
 * @param state    at the time the view was made: active, revoked, expired or used-up
 */
public record ClaimView(long id, String prefix, int uses, int usesLeft, String approval, String state,
                        Instant createdAt, String createdBy, Instant expiresAt, Instant revokedAt) {

    public static ClaimView of(ClaimRecord c, Instant now) {
        return new ClaimView(c.id(), c.prefix(), c.uses(), c.usesLeft(), c.manualApproval() ? "manual" : "auto",
                c.state(now), c.createdAt(), c.createdBy(), c.expiresAt(), c.revokedAt());
    }
}
