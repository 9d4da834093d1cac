package org.edgegateway.dist;

import java.nio.file.Path;
import java.util.Optional;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.OfflineAdmin;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.config.Settings;
import org.edgegateway.core.control.ControlClient;
import org.edgegateway.core.plugins.TrustedPublishers;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.KeyStoreException;

/**
 * The admin service an administration command talks to: the running gateway's, over its control
 * socket, when one runs on this home; else the key store's, opened for the command. Used by one thread.
 */
final class CommandBackend implements AutoCloseable {
    private final AdminService admin;
    private final AutoCloseable resource;
    private final boolean live;
    private final KeyStore store;

    private CommandBackend(AdminService admin, AutoCloseable resource, boolean live, KeyStore store) {
        this.admin = admin;
        this.resource = resource;
        this.live = live;
        this.store = store;
    }

    static CommandBackend open(GatewayHome home) {
        Optional<ControlClient> client = ControlClient.connect(home.controlSocket());
        if (client.isPresent()) {
            return new CommandBackend(client.get(), client.get(), true, null);
        }
        var known = GatewayApp.knownSettings();
        home.create(known);
        Settings settings = home.loadSettings(known, System.getenv());
        KeyStore store;
        try {
            store = KeyStore.open(GatewayApp.storeUrl(home, settings));
        } catch (KeyStoreException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, e.getMessage()
                    + " (is a gateway running on " + home + " with control.enabled=false?)", e);
        }
        GatewayConfig config = GatewayConfig.from(settings);
        String endpoint = config.publicEndpoint().isEmpty() ? Gateway.advertised(config.endpoint()) : config.publicEndpoint();
        Path base = GatewayApp.bundleBase();
        String enrolEndpoint = null;
        if (settings.get(org.edgegateway.core.enrol.EnrolSettings.ENABLED)) {
            org.edgegateway.core.enrol.EnrolConfig enrol = org.edgegateway.core.enrol.EnrolConfig.from(settings);
            enrolEndpoint = enrol.publicEndpoint().isEmpty() ? Gateway.advertised(enrol.endpoint()) : enrol.publicEndpoint();
        }
        OfflineAdmin offline = new OfflineAdmin(store, GatewayApp.serverKeys(home).publicZ85(), endpoint, enrolEndpoint,
                java.time.Clock.systemUTC(), new TrustedPublishers(home.keys().resolve("publishers"),
                        base == null ? null : GatewayApp.bundlePublishers(base)),
                settings.get(org.edgegateway.core.workers.WorkerConfig.ENABLED)
                        ? Gateway.advertised(org.edgegateway.core.workers.WorkerConfig.from(settings).endpoint()) : "");
        return new CommandBackend(offline, store, false, store);
    }

    AdminService admin() {
        return admin;
    }

    /** Whether the changes go to a running gateway. */
    boolean live() {
        return live;
    }

    /** The key store, when no gateway runs (for commands that need more than the admin service). */
    Optional<KeyStore> store() {
        return Optional.ofNullable(store);
    }

    /** The actor of a command run by this OS user, as the audit log names it. */
    static Actor actor() {
        return new Actor("cli:" + System.getProperty("user.name", "unknown"), "local");
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception e) {
            // nothing left to do for a command that is ending
        }
    }
}
