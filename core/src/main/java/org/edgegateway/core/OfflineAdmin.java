package org.edgegateway.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.BanView;
import org.edgegateway.core.admin.ClientPage;
import org.edgegateway.core.admin.ClientQuery;
import org.edgegateway.core.admin.ClientRates;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.admin.ConnectionEvent;
import org.edgegateway.core.admin.ConnectionView;
import org.edgegateway.core.admin.GatewayStats;
import org.edgegateway.core.admin.MetricHistoryView;
import org.edgegateway.core.admin.ProcessView;
import org.edgegateway.keys.AuditEntry;
import org.edgegateway.keys.AuditFilter;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientRecord;
import org.edgegateway.keys.KeyStore;

/**
 * The admin service of a gateway that is not running: the same changes, made straight in its key
 * store (which only one process can open), with nobody connected. The next start loads them.
 * Thread-safe as the store is.
 */
public final class OfflineAdmin implements StoreAdmins {
    private final KeyStore store;
    private final String serverPublicKey;
    private final String clientEndpoint;
    private final String workerEndpoint;
    private final Clock clock;
    private final org.edgegateway.core.plugins.TrustedPublishers publishers;
    private final String enrolEndpoint;

    public OfflineAdmin(KeyStore store, String serverPublicKey, String clientEndpoint, Clock clock) {
        this(store, serverPublicKey, clientEndpoint, clock, null);
    }

    /** With the home's and the bundle's publisher keys ({@code plugins trust}, {@code plugins untrust}), or null. */
    public OfflineAdmin(KeyStore store, String serverPublicKey, String clientEndpoint, Clock clock,
                        org.edgegateway.core.plugins.TrustedPublishers publishers) {
        this(store, serverPublicKey, clientEndpoint, null, clock, publishers, "");
    }

    /**
     * With the enrolment endpoint the gateway serves when it runs ({@code enrolEndpoint} null: it serves
     * none, and no claim can be made) and the endpoint workers are told to connect to
     * ({@code workerEndpoint} empty: workers are off).
     */
    public OfflineAdmin(KeyStore store, String serverPublicKey, String clientEndpoint, String enrolEndpoint,
                        Clock clock, org.edgegateway.core.plugins.TrustedPublishers publishers, String workerEndpoint) {
        this.enrolEndpoint = enrolEndpoint;
        this.workerEndpoint = workerEndpoint;
        this.publishers = publishers;
        this.store = store;
        this.serverPublicKey = serverPublicKey;
        this.clientEndpoint = clientEndpoint;
        this.clock = clock;
    }

    @Override
    public String serverPublicKey() {
        return serverPublicKey;
    }

    @Override
    public String clientEndpoint() {
        return clientEndpoint;
    }

    @Override
    public List<ClientView> clients() {
        return GatewayAdmin.call(() -> store.clients().list()).stream().map(OfflineAdmin::view).toList();
    }

    @Override
    public ClientPage clientPage(ClientQuery query) {
        return ClientPages.page(store, query, LiveClients.NONE);
    }

    @Override
    public Optional<ClientView> client(String name) {
        return GatewayAdmin.call(() -> store.clients().findByName(name)).map(OfflineAdmin::view);
    }

    /** Connections live in a running gateway's memory: none while it is stopped. */
    @Override
    public List<ConnectionEvent> connectionHistory(String clientName) {
        return List.of();
    }

    @Override
    public ClientRates clientRates(String clientName) {
        return new ClientRates(clock.instant(), org.edgegateway.core.metrics.ClientRateHistory.STEP.toSeconds(),
                new long[0]);
    }

    @Override
    public ClientView enrol(String name, String publicKeyZ85, Actor actor) {
        return view(GatewayAdmin.call(() -> store.clients().enrol(name, publicKeyZ85, actor.name(), actor.source())));
    }

    @Override
    public ClientView revoke(String name, Actor actor) {
        return view(GatewayAdmin.call(() -> store.clients().revoke(name, actor.name(), actor.source())));
    }

    @Override
    public org.edgegateway.core.admin.NewClaim createClaim(String prefix, int uses, Duration validFor,
                                                           boolean manualApproval, Actor actor) {
        return ClaimAdmin.create(store, clock, prefix, uses, validFor, manualApproval, actor, serverPublicKey,
                enrolEndpoint, clientEndpoint);
    }

    @Override
    public List<org.edgegateway.core.admin.ClaimView> claims() {
        return ClaimAdmin.list(store, clock);
    }

    @Override
    public org.edgegateway.core.admin.ClaimView revokeClaim(long id, Actor actor) {
        return ClaimAdmin.revoke(store, clock, id, actor);
    }

    @Override
    public List<org.edgegateway.keys.PendingClient> pendingClients() {
        return ClaimAdmin.pending(store);
    }

    @Override
    public ClientView approve(String name, Actor actor) {
        return view(GatewayAdmin.call(() -> store.clients().approve(name, actor.name(), actor.source())));
    }

    @Override
    public ClientView reject(String name, Actor actor) {
        return view(GatewayAdmin.call(() -> store.clients().reject(name, actor.name(), actor.source())));
    }

    @Override
    public ClientView quarantine(String name, String reason, Duration duration, Actor actor) {
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new AdminException(AdminException.Kind.INVALID, "quarantine duration must be positive, got " + duration);
        }
        Instant until = duration == null ? null : clock.instant().plus(duration);
        return view(GatewayAdmin.call(() -> store.clients().quarantine(name, reason, until, actor.name(),
                actor.source())));
    }

    @Override
    public ClientView release(String name, Actor actor) {
        return view(GatewayAdmin.call(() -> store.clients().release(name, actor.name(), actor.source())));
    }

    @Override
    public ClientView setLimits(String name, ClientLimits limits, Actor actor) {
        return view(GatewayAdmin.call(() -> store.clients().setLimits(name, limits, actor.name(), actor.source())));
    }

    /** Bans live in a running gateway's memory: none while it is stopped. */
    @Override
    public List<BanView> bans() {
        return List.of();
    }

    @Override
    public void removeBan(String address, Actor actor) {
        String a = GatewayAdmin.requireAddress(address);
        throw new AdminException(AdminException.Kind.NOT_FOUND, "no ban on address '" + a
                + "': bans live in a running gateway's memory and this gateway is not running");
    }

    @Override
    public List<ConnectionView> connections() {
        return List.of();
    }

    @Override
    public List<AuditEntry> audit(AuditFilter filter, long beforeId, int offset, int limit) {
        return GatewayAdmin.call(() -> store.audit().search(filter, beforeId, offset, limit));
    }

    @Override
    public GatewayStats stats() {
        return new GatewayStats(null, 0, 0, 0, 0, Map.of(), 0, Map.of(), 0, null);
    }

    @Override
    public MetricHistoryView metricHistory(MetricHistoryView.Resolution resolution) {
        return MetricHistoryView.empty(resolution, clock.instant());
    }

    @Override
    public ProcessView processInfo() {
        throw new AdminException(AdminException.Kind.UNAVAILABLE, "the gateway is not running: it has no process to show");
    }

    private static ClientView view(ClientRecord r) {
        return LiveClients.NONE.view(r);
    }

    @Override
    public void backupStore(java.io.OutputStream out, String destination, Actor actor) {
        GatewayAdmin.backupStore(store, out, destination, actor);
    }

    @Override
    public org.edgegateway.core.admin.NewApiToken createApiToken(String name, org.edgegateway.keys.TokenScope scope,
                                                                 Instant expiresAt, Actor actor) {
        return GatewayAdmin.createApiToken(store, name, scope, expiresAt, actor);
    }

    @Override
    public List<org.edgegateway.core.admin.ApiTokenView> apiTokens() {
        return GatewayAdmin.apiTokens(store);
    }

    @Override
    public void revokeApiToken(String name, Actor actor) {
        GatewayAdmin.call(() -> {
            store.tokens().revoke(name, actor.name(), actor.source());
            return null;
        });
    }

    @Override
    public KeyStore keyStore() {
        return store;
    }

    @Override
    public List<org.edgegateway.core.admin.PublisherView> publishers() {
        return PublisherAdmin.list(publisherKeys());
    }

    @Override
    public org.edgegateway.core.admin.PublisherView trustPublisher(String publicKeyLine, Actor actor) {
        return PublisherAdmin.trust(publisherKeys(), store, publicKeyLine, actor);
    }

    /** No plugin runs while the gateway is stopped: nothing stops an untrust. */
    @Override
    public void untrustPublisher(String fingerprint, boolean force, Actor actor) {
        PublisherAdmin.untrust(publisherKeys(), store, fingerprint, force, List::of, actor);
    }

    private org.edgegateway.core.plugins.TrustedPublishers publisherKeys() {
        if (publishers == null) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "no publisher keys folder was given");
        }
        return publishers;
    }

    @Override
    public List<org.edgegateway.core.plugins.PluginInfo> plugins() {
        return List.of();
    }

    @Override
    public org.edgegateway.core.plugins.PluginInfo controlPlugin(String id, PluginAction action, Actor actor) {
        throw new AdminException(AdminException.Kind.UNAVAILABLE, "the gateway is not running: plugins are loaded at its start");
    }

    @Override
    public org.edgegateway.core.plugins.PluginInfo installPlugin(String fileName, byte[] plugin, byte[] signature,
                                                               Actor actor) {
        throw new AdminException(AdminException.Kind.UNAVAILABLE,
                "the gateway is not running: copy the plugin and its .sig into HOME/plugins instead");
    }

    @Override
    public List<org.edgegateway.core.admin.RecentMessage> recentMessages(String clientName, int limit) {
        return List.of();
    }

    @Override
    public void push(String clientName, String type, byte[] payload, Actor actor) {
        throw new AdminException(AdminException.Kind.UNAVAILABLE, "the gateway is not running: nobody is connected to push to");
    }

    @Override
    public void publish(String topic, byte[] payload, Actor actor) {
        throw new AdminException(AdminException.Kind.UNAVAILABLE, "the gateway is not running: nobody subscribes");
    }

    @Override
    public List<org.edgegateway.core.pubsub.SubscriptionView> subscriptions() {
        return List.of();
    }

    @Override
    public String workerEndpoint() {
        return workerEndpoint;
    }

    @Override
    public List<org.edgegateway.core.admin.WorkerInfo> workers() {
        return GatewayAdmin.call(() -> store.workers().list()).stream()
                .map(r -> GatewayAdmin.workerInfo(r, List.of())).toList();
    }

    @Override
    public org.edgegateway.core.admin.WorkerInfo enrolWorker(String name, String publicKeyZ85, Actor actor) {
        return GatewayAdmin.workerInfo(GatewayAdmin.call(() -> store.workers().enrol(name, publicKeyZ85, actor.name(),
                actor.source())), List.of());
    }

    @Override
    public org.edgegateway.core.admin.WorkerInfo revokeWorker(String name, Actor actor) {
        return GatewayAdmin.workerInfo(GatewayAdmin.call(() -> store.workers().revoke(name, actor.name(),
                actor.source())), List.of());
    }
}
