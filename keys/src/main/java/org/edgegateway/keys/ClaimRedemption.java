package org.edgegateway.keys;

/**
 * What became of one attempt to enrol on a claim. Immutable.
 *
 * @param code    null when enrolled (active or pending); else a stable word for the wire: BAD_CLAIM,
 *                CLAIM_REVOKED, CLAIM_EXPIRED, CLAIM_USED_UP, BAD_NAME, NAME_TAKEN, KEY_TAKEN
 * @param detail  for people; never the claim's secret
 * @param claimId the claim the secret names, or 0 when it names none
 * @param client  the client as enrolled, or null when refused
 */
public record ClaimRedemption(String code, String detail, long claimId, ClientRecord client) {

    /** Whether a client was enrolled (it may still wait for approval). */
    public boolean enrolled() {
        return client != null;
    }

    /** Whether the client was enrolled pending approval. */
    public boolean pending() {
        return client != null && client.status() == ClientStatus.PENDING;
    }

    static ClaimRedemption refused(String code, String detail, long claimId) {
        return new ClaimRedemption(code, detail, claimId, null);
    }
}
