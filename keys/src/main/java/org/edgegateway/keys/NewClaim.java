package org.edgegateway.keys;

/**
 * A claim just made, with its secret: the only time the secret exists outside the sensors that
 * receive it. {@link #toString()} leaves the secret out. Immutable.
 */
public record NewClaim(ClaimRecord claim, String secret) {
    @Override
    public String toString() {
        return "NewClaim[" + claim + "]";
    }
}
