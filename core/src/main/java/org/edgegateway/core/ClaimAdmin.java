package org.edgegateway.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.ClaimView;
import org.edgegateway.core.admin.NewClaim;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.PendingClient;

/** The claim actions of the admin service, the same for a running gateway and a stopped one. Stateless. */
final class ClaimAdmin {
    /** The longest a claim may stay valid: a claim is for a roll-out, not a standing credential. */
    static final Duration MAX_VALIDITY = Duration.ofDays(366);

    private ClaimAdmin() {
    }

    static NewClaim create(KeyStore store, Clock clock, String prefix, int uses, Duration validFor,
                           boolean manualApproval, Actor actor, String serverPublicKey, String enrolEndpoint,
                           String clientEndpoint) {
        if (enrolEndpoint == null) {
            throw new AdminException(AdminException.Kind.CONFLICT, "this gateway serves no enrolment: set"
                    + " enrol.enabled=true (and enrol.endpoint) and restart it, then make the claim");
        }
        if (validFor == null || validFor.isNegative() || validFor.isZero() || validFor.compareTo(MAX_VALIDITY) > 0) {
            throw new AdminException(AdminException.Kind.INVALID,
                    "claim validity must be positive and at most " + MAX_VALIDITY.toDays() + " days, got " + validFor);
        }
        Instant now = clock.instant();
        org.edgegateway.keys.NewClaim made = GatewayAdmin.call(() -> store.claims().create(prefix, uses,
                now.plus(validFor), manualApproval, actor.name(), actor.source()));
        return new NewClaim(ClaimView.of(made.claim(), now), made.secret(), serverPublicKey, enrolEndpoint,
                clientEndpoint);
    }

    static List<ClaimView> list(KeyStore store, Clock clock) {
        Instant now = clock.instant();
        return GatewayAdmin.call(() -> store.claims().list()).stream().map(c -> ClaimView.of(c, now)).toList();
    }

    static ClaimView revoke(KeyStore store, Clock clock, long id, Actor actor) {
        return ClaimView.of(GatewayAdmin.call(() -> store.claims().revoke(id, actor.name(), actor.source())),
                clock.instant());
    }

    static List<PendingClient> pending(KeyStore store) {
        return GatewayAdmin.call(() -> store.claims().pending());
    }
}
