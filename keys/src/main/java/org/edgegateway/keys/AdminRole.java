package org.edgegateway.keys;

/**
 * What an admin user may do. A role is a {@link TokenScope} for a person: the API lets a viewer's
 * session do exactly what it lets a {@code read-only} token do.
 *
 * <ul>
 * <li>{@link #ADMIN}: everything, the admin users included</li>
 * <li>{@link #VIEWER}: every {@code GET} of the API but the admin users; its own logout and password
 * change; no other change</li>
 * </ul>
 */
public enum AdminRole {
    ADMIN("admin", TokenScope.ADMIN),
    VIEWER("viewer", TokenScope.READ_ONLY);

    private final String label;
    private final TokenScope scope;

    AdminRole(String label, TokenScope scope) {
        this.label = label;
        this.scope = scope;
    }

    /** The name used in the API, the CLI and the key store: {@code admin} or {@code viewer}. */
    public String label() {
        return label;
    }

    /** What a session of this role may do, as the API token scope that may do the same. */
    public TokenScope scope() {
        return scope;
    }

    /**
     * The role named {@code label} ({@code admin} or {@code viewer}, any case).
     *
     * @throws IllegalArgumentException naming the value and the known roles
     */
    public static AdminRole parse(String label) {
        return Labels.parse(values(), AdminRole::label, "admin role", label);
    }

    @Override
    public String toString() {
        return label;
    }
}
