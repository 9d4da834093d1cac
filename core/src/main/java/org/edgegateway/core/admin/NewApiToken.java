package org.edgegateway.core.admin;

/**
 * A token just made: its view and its plaintext, which is shown this once and never stored.
 * {@link #toString()} hides the plaintext, so logging the record cannot leak it.
 */
public record NewApiToken(ApiTokenView token, String secret) {

    @Override
    public String toString() {
        return "NewApiToken[token=" + token + ", secret=<hidden>]";
    }
}
