package org.edgegateway.core;

import java.util.List;
import java.util.function.Supplier;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.PublisherView;
import org.edgegateway.core.plugins.PluginInfo;
import org.edgegateway.core.plugins.PluginSignatures;
import org.edgegateway.core.plugins.PluginState;
import org.edgegateway.core.plugins.TrustedPublishers;
import org.edgegateway.keys.KeyStore;

/**
 * Trusting and untrusting publisher keys, for {@link GatewayAdmin} and {@link OfflineAdmin} alike:
 * the change to {@code HOME/keys/publishers}, then its audit row. Stateless and thread-safe.
 *
 * <p>Rotation: trust the new key, install the plugins signed with it (or reload them), then untrust
 * the old key. Untrusting a key that a started plugin was verified with is refused, naming the
 * plugins, unless forced: they would keep running on a key no longer trusted until their next
 * reload or restart, where they are refused.
 */
final class PublisherAdmin {
    static final String TRUST = "plugin.trust";
    static final String UNTRUST = "plugin.untrust";

    private PublisherAdmin() {
    }

    static List<PublisherView> list(TrustedPublishers publishers) {
        return publishers.entries().stream().map(PublisherView::of).toList();
    }

    static PublisherView trust(TrustedPublishers publishers, KeyStore store, String publicKeyLine, Actor actor) {
        PluginSignatures.PublicKey key = GatewayAdmin.call(() -> publishers.trust(publicKeyLine));
        PublisherView view = list(publishers).stream().filter(p -> !p.bundled() && p.fingerprint().equals(key.fingerprint()))
                .findFirst().orElseThrow();
        GatewayAdmin.call(() -> {
            store.audit().append(actor.name(), TRUST, key.fingerprint(), view.comment().isEmpty() ? null : view.comment(),
                    actor.source());
            return null;
        });
        return view;
    }

    /** {@code running}: the plugins loaded now (empty for a gateway that is not running). */
    static void untrust(TrustedPublishers publishers, KeyStore store, String fingerprint, boolean force,
                        Supplier<List<PluginInfo>> running, Actor actor) {
        GatewayAdmin.call(() -> {
            publishers.checkRemovable(fingerprint);
            return null;
        });
        List<String> users = running.get().stream()
                .filter(p -> p.state() == PluginState.STARTED && p.publisher().equals(fingerprint))
                .map(PluginInfo::id).sorted().toList();
        if (!users.isEmpty() && !force) {
            throw new AdminException(AdminException.Kind.CONFLICT, "plugins " + String.join(", ", users)
                    + " run verified by key " + fingerprint + ": trust their publisher's new key and install or reload"
                    + " them signed with it first, or force it (they keep running until their next reload or restart,"
                    + " and are refused then)");
        }
        boolean removed = GatewayAdmin.call(() -> publishers.distrust(fingerprint));
        if (!removed) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "publisher key " + fingerprint + " is not trusted");
        }
        GatewayAdmin.call(() -> {
            store.audit().append(actor.name(), UNTRUST, fingerprint,
                    users.isEmpty() ? null : "forced; still running until reloaded: " + String.join(", ", users),
                    actor.source());
            return null;
        });
    }
}
