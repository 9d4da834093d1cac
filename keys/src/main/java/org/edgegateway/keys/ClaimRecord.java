package org.edgegateway.keys;

import java.time.Instant;

/**
 * An enrolment claim as stored (never its secret, which is kept only as a hash). Immutable.
 *
 * @param uses           how many clients the claim may enrol in all
 * @param usesLeft       how many it may still enrol
 * @param manualApproval whether the clients it enrols wait, pending, for an admin's approval
 */
public record ClaimRecord(long id, String prefix, int uses, int usesLeft, boolean manualApproval, Instant createdAt,
                          String createdBy, Instant expiresAt, Instant revokedAt) {

    /** The claim's state at {@code now}, as a word for people and JSON: active, revoked, expired or used-up. */
    public String state(Instant now) {
        if (revokedAt != null) {
            return "revoked";
        }
        if (!now.isBefore(expiresAt)) {
            return "expired";
        }
        return usesLeft == 0 ? "used-up" : "active";
    }
}
