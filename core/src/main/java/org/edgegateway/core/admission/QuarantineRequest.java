package org.edgegateway.core.admission;

/** A client the router found misbehaving, to be quarantined off the router thread. Immutable. */
public record QuarantineRequest(String name, String publicKey, String reason) {
}
