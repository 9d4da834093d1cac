package org.edgegateway.core.admin;

/**
 * A publisher key the gateway trusts, as admins see it.
 *
 * @param fingerprint    how lists, logs and {@code plugins untrust} name it
 * @param comment        the comment of its public key file
 * @param bundled        the bundle's own key: trusted for the bundle's built-in plugins only, not stored in
 *                       the home, gone when the bundle is replaced; else a key the admin trusted
 * @param developmentKey the bundle's key of a development or CI build (its built-ins are not release-signed)
 * @param copiedBuildKey a per-build key an older release copied into the home, which no longer needs trust
 */
public record PublisherView(String fingerprint, String comment, boolean bundled, boolean developmentKey,
                            boolean copiedBuildKey) {

    public static PublisherView of(org.edgegateway.core.plugins.TrustedPublishers.Entry e) {
        return new PublisherView(e.fingerprint(), e.comment(), e.bundled(), e.developmentKey(), e.copiedBuildKey());
    }
}
