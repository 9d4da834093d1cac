package org.edgegateway.keys;

/**
 * What an API token may do; a browser session may do what its admin user's {@link AdminRole#scope()} may.
 *
 * <ul>
 * <li>{@link #ADMIN}: everything an admin can do in the UI, creating and revoking tokens included</li>
 * <li>{@link #READ_ONLY}: every {@code GET} of the API (clients, audit, stats, tokens' names) but the
 * admin users, and {@code /metrics}; no change</li>
 * <li>{@link #METRICS}: {@code GET /metrics} only, for a Prometheus scraper</li>
 * </ul>
 */
public enum TokenScope {
    ADMIN("admin"),
    READ_ONLY("read-only"),
    METRICS("metrics");

    private final String label;

    TokenScope(String label) {
        this.label = label;
    }

    /** The name used in the API, the CLI and the key store: {@code admin}, {@code read-only}, {@code metrics}. */
    public String label() {
        return label;
    }

    /** Whether the token may call {@code /api/*} at all (reading). */
    public boolean readsApi() {
        return this != METRICS;
    }

    /** Whether the token may change anything (every method but GET, HEAD and OPTIONS). */
    public boolean changes() {
        return this == ADMIN;
    }

    /**
     * The scope named {@code label} ({@code admin}, {@code read-only} or {@code metrics}, any case).
     *
     * @throws IllegalArgumentException naming the value and the known scopes
     */
    public static TokenScope parse(String label) {
        return Labels.parse(values(), TokenScope::label, "token scope", label);
    }

    @Override
    public String toString() {
        return label;
    }
}
