package org.edgegateway.core.admin;

/**
 * A claim just made, with what a sensor needs to enrol on it: its secret (shown this once, stored
 * only as a hash), the gateway's public key, the enrolment endpoint and the sensors' endpoint.
 * {@link #toString()} hides the secret, so logging the record cannot leak it. {@link ClaimFile}
 * writes it as the claim file.
 */
public record NewClaim(ClaimView claim, String secret, String serverPublicKey, String enrolEndpoint,
                       String clientEndpoint) {

    @Override
    public String toString() {
        return "NewClaim[claim=" + claim + ", secret=<hidden>, enrolEndpoint=" + enrolEndpoint + "]";
    }
}
