package org.edgegateway.core.admin;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The claim file's text, the one writer for the CLI, the UI and the API (docs/PROTOCOL.md,
 * "Enrolment"): ZPL, as the CURVE certificates are, so that the client SDK reads it with the same
 * reader and a script with a few lines. Stateless.
 *
 * <pre>
 * claim
 *     id = "3"
 *     prefix = "site1-"
 *     secret = "egc_..."
 *     expires = "2026-06-02T10:00:00Z"
 *     approval = "manual"
 * gateway
 *     public-key = "Z85..."
 *     enrol-endpoint = "tcp://gw.example:5558"
 *     endpoint = "tcp://gw.example:5555"
 * </pre>
 */
public final class ClaimFile {

    private ClaimFile() {
    }

    /** The text of the claim file for {@code claim}; it holds the secret: write it owner-only. */
    public static String format(NewClaim claim) {
        ClaimView c = claim.claim();
        String expires = DateTimeFormatter.ISO_INSTANT.format(c.expiresAt().truncatedTo(ChronoUnit.SECONDS));
        return "#   ****  Edge Gateway enrolment claim " + c.id() + "  ****\n"
                + "#   Whoever holds this file can enrol up to " + c.uses() + " sensors named " + c.prefix()
                + "... until " + expires + ".\n"
                + "#   Keep it as you would a password; revoke it with: edge-gateway claims revoke " + c.id() + "\n"
                + "#   A sensor enrols with: edge-gateway-client enrol --claim FILE --name " + c.prefix() + "NAME --out DIR\n"
                + "\n"
                + "claim\n"
                + "    id = \"" + c.id() + "\"\n"
                + "    prefix = \"" + c.prefix() + "\"\n"
                + "    secret = \"" + claim.secret() + "\"\n"
                + "    expires = \"" + expires + "\"\n"
                + "    approval = \"" + c.approval() + "\"\n"
                + "gateway\n"
                + "    public-key = \"" + claim.serverPublicKey() + "\"\n"
                + "    enrol-endpoint = \"" + claim.enrolEndpoint() + "\"\n"
                + "    endpoint = \"" + claim.clientEndpoint() + "\"\n";
    }
}
