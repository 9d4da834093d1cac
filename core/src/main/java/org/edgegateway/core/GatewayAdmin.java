package org.edgegateway.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
import org.edgegateway.core.admission.BanList;
import org.edgegateway.core.admin.WorkerInfo;
import org.edgegateway.core.metrics.ClientRateHistory;
import org.edgegateway.core.metrics.MetricHistory;
import org.edgegateway.core.router.Router;
import org.edgegateway.core.workers.WorkerHub;
import org.edgegateway.core.workers.WorkerView;
import org.edgegateway.keys.WorkerRecord;
import org.edgegateway.keys.AuditEntry;
import org.edgegateway.keys.AuditFilter;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientRecord;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.KeyStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin service of a running gateway. Thread-safe: each change is a key store transaction
 * (with its audit row), then the key cache is updated in the same call, then the router is told to
 * act on live connections; so a change is in force for new handshakes when the call returns and for
 * live connections within the router's next turn.
 */
final class GatewayAdmin implements StoreAdmins {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayAdmin.class);

    private final KeyStore store;
    private final KeyCache keys;
    private final Router router;
    private final GatewayMetrics metrics;
    private final MetricHistory history;
    private final ClientRateHistory rates;
    private final BanList bans;
    private final String serverPublicKey;
    private final Supplier<String> clientEndpoint;
    private final Instant startedAt;
    private final Clock clock;
    private final org.edgegateway.core.plugins.PluginHost plugins;
    private final org.edgegateway.core.pubsub.PubSub pubsub;
    private final org.edgegateway.core.pubsub.RouterPush pusher;
    private final WorkerHub workers;
    private final String workerEndpoint;
    private final String enrolEndpoint;
    private volatile Supplier<org.edgegateway.core.admin.UplinkView> uplink = () -> null;

    GatewayAdmin(KeyStore store, KeyCache keys, Router router, GatewayMetrics metrics, MetricHistory history,
                 ClientRateHistory rates, BanList bans, String serverPublicKey, Supplier<String> clientEndpoint, Clock clock,
                 org.edgegateway.core.plugins.PluginHost plugins, org.edgegateway.core.pubsub.PubSub pubsub,
                 org.edgegateway.core.pubsub.RouterPush pusher, WorkerHub workers, String workerEndpoint,
                 String enrolEndpoint) {
        this.workers = workers;
        this.workerEndpoint = workerEndpoint;
        this.enrolEndpoint = enrolEndpoint;
        this.plugins = plugins;
        this.pubsub = pubsub;
        this.pusher = pusher;
        this.bans = bans;
        this.store = store;
        this.keys = keys;
        this.router = router;
        this.metrics = metrics;
        this.history = history;
        this.rates = rates;
        this.serverPublicKey = serverPublicKey;
        this.clientEndpoint = clientEndpoint;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    @Override
    public String serverPublicKey() {
        return serverPublicKey;
    }

    @Override
    public String clientEndpoint() {
        return clientEndpoint.get();
    }

    @Override
    public List<ClientView> clients() {
        LiveClients live = live();
        List<ClientView> out = new ArrayList<>();
        for (ClientRecord r : call(() -> store.clients().list())) {
            out.add(live.view(r));
        }
        return out;
    }

    @Override
    public ClientPage clientPage(ClientQuery query) {
        return ClientPages.page(store, query, live());
    }

    @Override
    public Optional<ClientView> client(String name) {
        return call(() -> store.clients().findByName(name)).map(r -> live().view(r));
    }

    @Override
    public List<ConnectionEvent> connectionHistory(String clientName) {
        return fromRouter(router.connectionHistory(clientName), "the connection history");
    }

    @Override
    public ClientRates clientRates(String clientName) {
        return rates.view(clientName);
    }

    @Override
    public ClientView enrol(String name, String publicKeyZ85, Actor actor) {
        ClientRecord r = call(() -> store.clients().enrol(name, publicKeyZ85, actor.name(), actor.source()));
        keys.put(r);
        LOG.info("admin: {} enrolled client {} ({})", actor.name(), r.name(), r.publicKey());
        return live().view(r);
    }

    @Override
    public ClientView revoke(String name, Actor actor) {
        LiveClients before = live();
        ClientRecord r = call(() -> store.clients().revoke(name, actor.name(), actor.source()));
        keys.put(r);
        cut(r.publicKey());
        LOG.info("admin: {} revoked client {} key {}", actor.name(), r.name(), r.publicKey());
        return cutView(r, before);
    }

    @Override
    public org.edgegateway.core.admin.NewClaim createClaim(String prefix, int uses, Duration validFor,
                                                           boolean manualApproval, Actor actor) {
        org.edgegateway.core.admin.NewClaim c = ClaimAdmin.create(store, clock, prefix, uses, validFor, manualApproval,
                actor, serverPublicKey, enrolEndpoint, clientEndpoint.get());
        LOG.info("admin: {} made claim {} for {} ({} uses)", actor.name(), c.claim().id(), c.claim().prefix(), uses);
        return c;
    }

    @Override
    public List<org.edgegateway.core.admin.ClaimView> claims() {
        return ClaimAdmin.list(store, clock);
    }

    @Override
    public org.edgegateway.core.admin.ClaimView revokeClaim(long id, Actor actor) {
        org.edgegateway.core.admin.ClaimView c = ClaimAdmin.revoke(store, clock, id, actor);
        LOG.info("admin: {} revoked claim {}", actor.name(), id);
        return c;
    }

    @Override
    public List<org.edgegateway.keys.PendingClient> pendingClients() {
        return ClaimAdmin.pending(store);
    }

    @Override
    public ClientView approve(String name, Actor actor) {
        ClientRecord r = call(() -> store.clients().approve(name, actor.name(), actor.source()));
        keys.put(r);
        LOG.info("admin: {} approved client {} ({})", actor.name(), r.name(), r.publicKey());
        return live().view(r);
    }

    @Override
    public ClientView reject(String name, Actor actor) {
        ClientRecord r = call(() -> store.clients().reject(name, actor.name(), actor.source()));
        keys.put(r);
        cut(r.publicKey());
        LOG.info("admin: {} rejected client {} ({})", actor.name(), r.name(), r.publicKey());
        return live().view(r);
    }

    @Override
    public ClientView quarantine(String name, String reason, Duration duration, Actor actor) {
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new AdminException(AdminException.Kind.INVALID, "quarantine duration must be positive, got " + duration);
        }
        Instant until = duration == null ? null : clock.instant().plus(duration);
        LiveClients before = live();
        ClientRecord r = call(() -> store.clients().quarantine(name, reason, until, actor.name(), actor.source()));
        keys.put(r);
        metrics.countQuarantine();
        cut(r.publicKey());
        LOG.info("admin: {} quarantined client {} key {} until {}", actor.name(), r.name(), r.publicKey(),
                until == null ? "released" : until);
        return cutView(r, before);
    }

    @Override
    public ClientView release(String name, Actor actor) {
        ClientRecord r = call(() -> store.clients().release(name, actor.name(), actor.source()));
        keys.put(r);
        metrics.countRelease();
        LOG.info("admin: {} released client {} key {}", actor.name(), r.name(), r.publicKey());
        return live().view(r);
    }

    @Override
    public ClientView setLimits(String name, ClientLimits limits, Actor actor) {
        ClientRecord r = call(() -> store.clients().setLimits(name, limits, actor.name(), actor.source()));
        keys.put(r);
        return live().view(r);
    }

    @Override
    public List<BanView> bans() {
        return bans.list();
    }

    @Override
    public void removeBan(String address, Actor actor) {
        String a = requireAddress(address);
        if (!bans.remove(a)) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "no ban on address '" + a + "'");
        }
        metrics.countBanRemoved();
        LOG.info("admin: {} lifted the ban on {}", actor.name(), a);
        call(() -> {
            store.audit().append(actor.name(), "address.unban", a, "ban lifted", actor.source());
            return null;
        });
    }

    /** A peer address as the transport reports it: trimmed, non-empty, short, no spaces. */
    static String requireAddress(String address) {
        String a = address == null ? "" : address.trim();
        if (a.isEmpty() || a.length() > 64 || !a.matches("[0-9A-Fa-f:.%a-zA-Z_-]+")) {
            throw new AdminException(AdminException.Kind.INVALID, "not a peer address: '"
                    + (a.length() > 64 ? a.substring(0, 64) + "..." : a) + "'");
        }
        return a;
    }

    @Override
    public List<ConnectionView> connections() {
        return router.connections();
    }

    @Override
    public List<AuditEntry> audit(AuditFilter filter, long beforeId, int offset, int limit) {
        return call(() -> store.audit().search(filter, beforeId, offset, limit));
    }

    @Override
    public GatewayStats stats() {
        return new GatewayStats(startedAt, router.connections().size(), metrics.messagesIn(), metrics.bytesIn(),
                metrics.acks(), metrics.errorsByCode(), metrics.handshakesAllowed(), metrics.zapDenialsByReason(),
                metrics.dropped(), uplink.get());
    }

    @Override
    public MetricHistoryView metricHistory(MetricHistoryView.Resolution resolution) {
        return history.view(resolution);
    }

    @Override
    public ProcessView processInfo() {
        return history.process(startedAt);
    }

    /** Where {@link #stats()} reads the uplink's state from. */
    void reportUplink(Supplier<org.edgegateway.core.admin.UplinkView> source) {
        this.uplink = source;
    }

    private void cut(String publicKey) {
        if (pubsub != null) {
            // Its subscriber connections: the publisher compares the key cache's version every turn; now.
            pubsub.keysChanged();
        }
        try {
            router.cut(publicKey).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The key cache already refuses the key; the router cuts the connection on its next message.
            LOG.warn("admin: live connections of {} not confirmed cut: {}", publicKey, e.toString());
        }
    }

    private LiveClients live() {
        return new LiveClients(router.activity());
    }

    /**
     * The view of a client whose connections were just cut: the router may not have processed their end
     * yet, so what {@code before} (the connections before the cut) counted is kept in sight.
     */
    private ClientView cutView(ClientRecord r, LiveClients before) {
        ClientView prior = before.view(r);
        ClientView after = live().view(r);
        return new ClientView(r.name(), r.publicKey(), r.status(), r.enrolledAt(), r.enrolledBy(),
                LiveClients.latest(prior.lastSeen(), after.lastSeen()), r.limits(), r.quarantineReason(), r.quarantineUntil(),
                false, null, Math.max(prior.messages(), after.messages()), Math.max(prior.bytes(), after.bytes()), 0, 0);
    }

    /** Runs a store call, translating its failures into admin failures. */
    static <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (KeyStoreException e) {
            throw new AdminException(switch (e.reason()) {
                case DUPLICATE_NAME, DUPLICATE_KEY, CONFLICT -> AdminException.Kind.CONFLICT;
                case NOT_FOUND -> AdminException.Kind.NOT_FOUND;
                case INVALID -> AdminException.Kind.INVALID;
                case STORAGE -> AdminException.Kind.UNAVAILABLE;
            }, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, e.getMessage(), e);
        }
    }

    @Override
    public void backupStore(java.io.OutputStream out, String destination, Actor actor) {
        backupStore(store, out, destination, actor);
    }

    @Override
    public org.edgegateway.core.admin.NewApiToken createApiToken(String name, org.edgegateway.keys.TokenScope scope,
                                                                 Instant expiresAt, Actor actor) {
        return createApiToken(store, name, scope, expiresAt, actor);
    }

    @Override
    public List<org.edgegateway.core.admin.ApiTokenView> apiTokens() {
        return apiTokens(store);
    }

    @Override
    public void revokeApiToken(String name, Actor actor) {
        call(() -> {
            store.tokens().revoke(name, actor.name(), actor.source());
            return null;
        });
    }

    @Override
    public KeyStore keyStore() {
        return store;
    }

    /** A new token of {@code store}: random, only its hash stored; audited by the store. */
    static org.edgegateway.core.admin.NewApiToken createApiToken(KeyStore store, String name,
                                                                 org.edgegateway.keys.TokenScope scope,
                                                                 Instant expiresAt, Actor actor) {
        String secret = org.edgegateway.keys.TokenSecrets.generate();
        org.edgegateway.keys.ApiToken token = call(() -> store.tokens().create(name,
                org.edgegateway.keys.TokenSecrets.hash(secret), scope, expiresAt, actor.name(), actor.source()));
        return new org.edgegateway.core.admin.NewApiToken(org.edgegateway.core.admin.ApiTokenView.of(token), secret);
    }

    static List<org.edgegateway.core.admin.ApiTokenView> apiTokens(KeyStore store) {
        return call(() -> store.tokens().list()).stream().map(org.edgegateway.core.admin.ApiTokenView::of).toList();
    }

    /** A consistent copy of {@code store} written to {@code out}, kept by the caller at {@code destination}; audited. */
    static void backupStore(KeyStore store, java.io.OutputStream out, String destination, Actor actor) {
        call(() -> {
            store.backup(out);
            store.audit().append(actor.name(), "store.backup", "key store", "to " + destination, actor.source());
            return null;
        });
    }

    @Override
    public List<org.edgegateway.core.admin.PublisherView> publishers() {
        return PublisherAdmin.list(pluginHost().publishers());
    }

    @Override
    public org.edgegateway.core.admin.PublisherView trustPublisher(String publicKeyLine, Actor actor) {
        return PublisherAdmin.trust(pluginHost().publishers(), store, publicKeyLine, actor);
    }

    @Override
    public void untrustPublisher(String fingerprint, boolean force, Actor actor) {
        org.edgegateway.core.plugins.PluginHost host = pluginHost();
        PublisherAdmin.untrust(host.publishers(), store, fingerprint, force, host::list, actor);
    }

    @Override
    public List<org.edgegateway.core.plugins.PluginInfo> plugins() {
        return plugins == null ? List.of() : plugins.list();
    }

    @Override
    public org.edgegateway.core.plugins.PluginInfo controlPlugin(String id, PluginAction action, Actor actor) {
        org.edgegateway.core.plugins.PluginHost host = pluginHost();
        if (host.plugin(id).isEmpty()) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "no plugin '" + id + "'");
        }
        try {
            org.edgegateway.core.plugins.PluginInfo info = switch (action) {
                case START -> host.start(id);
                case STOP -> host.stop(id);
                case RELOAD -> host.reload(id);
                case UNLOAD -> {
                    org.edgegateway.core.plugins.PluginInfo before = host.plugin(id).orElseThrow(() ->
                            new AdminException(AdminException.Kind.NOT_FOUND, "no plugin '" + id + "'"));
                    host.unload(id);
                    yield before;
                }
            };
            call(() -> {
                store.audit().append(actor.name(), "plugin." + action.name().toLowerCase(java.util.Locale.ROOT), id,
                        info.state() + (info.reason().isEmpty() ? "" : ": " + info.reason()), actor.source());
                return null;
            });
            return info;
        } catch (java.util.NoSuchElementException e) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "no plugin '" + id + "'", e);
        } catch (IllegalStateException e) {
            throw new AdminException(AdminException.Kind.CONFLICT, e.getMessage(), e);
        }
    }

    @Override
    public org.edgegateway.core.plugins.PluginInfo installPlugin(String fileName, byte[] plugin, byte[] signature,
                                                               Actor actor) {
        org.edgegateway.core.plugins.PluginInfo info;
        try {
            info = pluginHost().install(fileName, plugin, signature);
        } catch (java.io.UncheckedIOException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "cannot install " + fileName + ": " + e.getMessage(), e);
        }
        call(() -> {
            store.audit().append(actor.name(), "plugin.install", info.id(), fileName + " -> " + info.state()
                    + (info.reason().isEmpty() ? "" : ": " + info.reason()), actor.source());
            return null;
        });
        return info;
    }

    @Override
    public List<org.edgegateway.core.admin.RecentMessage> recentMessages(String clientName, int limit) {
        return fromRouter(router.recent(clientName, limit), "recent messages");
    }

    /** What the router answers to a read of {@code what}, waited for at most 5 seconds. */
    private static <T> T fromRouter(java.util.concurrent.CompletableFuture<T> answer, String what) {
        try {
            return answer.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "interrupted while reading " + what, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "the router did not answer: " + e, e);
        }
    }

    private org.edgegateway.core.plugins.PluginHost pluginHost() {
        if (plugins == null) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "this gateway runs without a plugin host");
        }
        return plugins;
    }

    @Override
    public void push(String clientName, String type, byte[] payload, Actor actor) {
        try {
            pusher.push(clientName, type, payload).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.edgegateway.core.pubsub.RouterPush.NotConnectedException n) {
                throw new AdminException(AdminException.Kind.CONFLICT, n.getMessage(), n);
            }
            if (cause instanceof AdminException a) {
                throw a;
            }
            throw new AdminException(AdminException.Kind.INVALID, String.valueOf(cause.getMessage()), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "the router did not take the push within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "interrupted", e);
        }
        call(() -> {
            store.audit().append(actor.name(), "client.push", clientName, type + " (" + payload.length + " bytes)",
                    actor.source());
            return null;
        });
    }

    @Override
    public void publish(String topic, byte[] payload, Actor actor) {
        if (pubsub == null) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "topic publishing is off (pubsub.enabled=false)");
        }
        boolean queued;
        try {
            queued = pubsub.publish(topic, payload);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, e.getMessage(), e);
        }
        if (!queued) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "the publisher's queue is full; retry later");
        }
        call(() -> {
            store.audit().append(actor.name(), "topic.publish", topic, payload.length + " bytes", actor.source());
            return null;
        });
    }

    @Override
    public List<org.edgegateway.core.pubsub.SubscriptionView> subscriptions() {
        return pubsub == null ? List.of() : pubsub.subscriptions();
    }

    // ---- workers ---------------------------------------------------------------------------------

    @Override
    public String workerEndpoint() {
        return workerEndpoint;
    }

    @Override
    public List<WorkerInfo> workers() {
        List<WorkerView> live = workers == null ? List.of() : workers.workers();
        return call(() -> store.workers().list()).stream().map(r -> workerInfo(r, live)).toList();
    }

    @Override
    public WorkerInfo enrolWorker(String name, String publicKeyZ85, Actor actor) {
        WorkerRecord r = call(() -> store.workers().enrol(name, publicKeyZ85, actor.name(), actor.source()));
        if (workers != null) {
            workers.enrolled(call(() -> store.workers().list()));
        }
        LOG.info("admin: {} enrolled worker {} key {}", actor.name(), r.name(), r.publicKey());
        return workerInfo(r, List.of());
    }

    @Override
    public WorkerInfo revokeWorker(String name, Actor actor) {
        WorkerRecord r = call(() -> store.workers().revoke(name, actor.name(), actor.source()));
        if (workers != null) {
            // Refused at its next handshake from now on; its connections are cut at once.
            workers.enrolled(call(() -> store.workers().list()));
            try {
                int cut = workers.cut(r.publicKey()).get(5, TimeUnit.SECONDS);
                LOG.info("admin: {} revoked worker {} key {}: {} connection(s) cut", actor.name(), r.name(),
                        r.publicKey(), cut);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("admin: revoked worker {} but cutting its connections failed: {}", r.name(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return workerInfo(r, List.of());
    }

    static WorkerInfo workerInfo(WorkerRecord r, List<WorkerView> live) {
        return WorkerInfo.of(r.name(), r.publicKey(), r.enrolledAt(), r.enrolledBy(), r.revokedAt(),
                live.stream().filter(v -> v.publicKey().equals(r.publicKey())).toList());
    }
}
