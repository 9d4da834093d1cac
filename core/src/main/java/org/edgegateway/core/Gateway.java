package org.edgegateway.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.admission.AdmissionControl;
import org.edgegateway.core.admission.BanList;
import org.edgegateway.core.admission.HandshakeLoops;
import org.edgegateway.core.admission.QuarantineQueue;
import org.edgegateway.core.admission.Quarantiner;
import org.edgegateway.core.health.Health;
import org.edgegateway.core.metrics.MetricHistory;
import org.edgegateway.core.metrics.ProcessProbe;
import org.edgegateway.core.router.Router;
import org.edgegateway.core.workers.WorkerHub;
import org.edgegateway.core.zap.ZapHandler;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * A running gateway: the ZeroMQ context, the ZAP handler with its address bans, the router with its
 * admission control and workers, the quarantine thread, and the admin service over them. Thread-safe. Built by {@link #start} and stopped by {@link #close()}; the key
 * store is the caller's and stays open.
 *
 * <p>Start order matters for security: the key cache is loaded, the ZAP handler bound, then the
 * ROUTER bound, then a self-test proves that an unknown key is refused before the gateway is handed
 * out. Shutdown runs in reverse: quarantines already decided are stored, the router stops reading
 * and answers what its workers finish, then ZAP stops, then the context closes.
 *
 * <p>The threads that own its sockets report to its {@link #health()}: whoever owns the process
 * listens for a death and ends the process. A dead ZAP handler is also handled here, at once: the
 * ROUTER and the XPUB are closed ({@link Router#halt()}, {@link org.edgegateway.core.pubsub.PubSub#halt()}),
 * since a CURVE server with no ZAP handler would admit every key.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final ZContext context;
    private final ZapHandler zap;
    private final Router router;
    private final Quarantiner quarantiner;
    private final AuditTrail audit;
    private final GatewayAdmin admin;
    private final GatewayMetrics metrics;
    private final KeyStore store;
    private final ScheduledExecutorService housekeeping;
    private final LastSeenFlush lastSeen;
    private final String boundEndpoint;
    private final String clientEndpoint;
    private final org.edgegateway.core.pubsub.PubSub pubsub;
    private final WorkerHub workers;
    private final Health health;
    private final org.edgegateway.core.enrol.EnrolService enrol;
    private final String enrolEndpoint;
    private volatile boolean closed;

    private Gateway(ZContext context, ZapHandler zap, Router router, Quarantiner quarantiner, AuditTrail audit,
                    GatewayAdmin admin, GatewayMetrics metrics, KeyStore store, ScheduledExecutorService housekeeping,
                    LastSeenFlush lastSeen, String boundEndpoint, String clientEndpoint, org.edgegateway.core.pubsub.PubSub pubsub,
                    WorkerHub workers, Health health, org.edgegateway.core.enrol.EnrolService enrol,
                    String enrolEndpoint) {
        this.enrol = enrol;
        this.enrolEndpoint = enrolEndpoint;
        this.pubsub = pubsub;
        this.workers = workers;
        this.health = health;
        this.context = context;
        this.zap = zap;
        this.router = router;
        this.quarantiner = quarantiner;
        this.audit = audit;
        this.admin = admin;
        this.metrics = metrics;
        this.store = store;
        this.housekeeping = housekeeping;
        this.lastSeen = lastSeen;
        this.boundEndpoint = boundEndpoint;
        this.clientEndpoint = clientEndpoint;
    }

    /** {@link #start(GatewayConfig, AdmissionConfig, KeyStore, CurveKeyPair, HandlerLookup, Clock)} with {@link AdmissionConfig#defaults()}. */
    public static Gateway start(GatewayConfig config, KeyStore store, CurveKeyPair serverKeys,
                                HandlerLookup handlers, Clock clock) {
        return start(config, AdmissionConfig.defaults(), store, serverKeys, handlers, clock);
    }

    /**
     * Starts a gateway, or fails with an {@link IllegalStateException} saying why (endpoint in use,
     * self-test failed), leaving nothing running.
     */
    public static Gateway start(GatewayConfig config, AdmissionConfig admission, KeyStore store,
                                CurveKeyPair serverKeys, HandlerLookup handlers, Clock clock) {
        return start(config, admission, null, null, null,
                handlers instanceof org.edgegateway.core.plugins.PluginHost host ? host : null,
                store, serverKeys, handlers, clock);
    }

    /**
     * Starts a gateway with its optional parts: the topic publisher ({@code pubsubConfig} null: none),
     * the worker backend ({@code workerConfig} null: none; its types come after the handlers' own),
     * the enrolment port ({@code enrolConfig} null: none) and the plugin host the admin service
     * controls ({@code plugins} null: none; the handlers may still wrap it).
     */
    public static Gateway start(GatewayConfig config, AdmissionConfig admission,
                                org.edgegateway.core.pubsub.PubSubConfig pubsubConfig,
                                org.edgegateway.core.workers.WorkerConfig workerConfig,
                                org.edgegateway.core.enrol.EnrolConfig enrolConfig,
                                org.edgegateway.core.plugins.PluginHost plugins, KeyStore store,
                                CurveKeyPair serverKeys, HandlerLookup handlers, Clock clock) {
        GatewayMetrics metrics = new GatewayMetrics();
        ZContext context = new ZContext(1);
        Thread.UncaughtExceptionHandler transportFault = (t, e) -> {
            metrics.transportFault();
            LOG.warn("transport: fault on {}: {}", t.getName(), e.toString());
        };
        // A transport thread that dies, and an exception its loop reports and survives: both are counted and logged.
        context.setUncaughtExceptionHandler(transportFault);
        context.setNotificationExceptionHandler(transportFault);
        KeyCache keys = new KeyCache();
        Health health = new Health(clock);
        AuditTrail audit = null;
        ZapHandler zap = null;
        Router router = null;
        Quarantiner quarantiner = null;
        org.edgegateway.core.pubsub.PubSub pubsub = null;
        WorkerHub workers = null;
        org.edgegateway.core.enrol.EnrolService enrol = null;
        try {
            keys.load(store.clients().list());
            HandlerLookup served = handlers;
            if (workerConfig != null) {
                workers = new WorkerHub(context, serverKeys, workerConfig, store.workers().list(),
                        type -> handlers.route(type) != null, config.maxMessageSize(), clock);
                served = HandlerLookup.union(handlers, workers);
            }
            AuditTrail trail = new AuditTrail(store, clock, Duration.ofMinutes(1), 10_000);
            audit = trail;
            QuarantineQueue quarantines = new QuarantineQueue(1024);
            BanList bans = new BanList(admission, clock, ban -> {
                metrics.countBan();
                LOG.warn("gateway: banned {} until {}: {}", ban.address(), ban.until(), ban.reason());
                trail.record("gateway", "address.ban", ban.address(), ban.reason(), ban.address());
            });
            router = new Router(context, config, serverKeys, keys, served, metrics, clock,
                    new AdmissionControl(admission, metrics, quarantines, System::nanoTime), health, bans::abandoned);
            HandshakeLoops loops = new HandshakeLoops(admission, quarantines, clock, 1_000_000);
            // Fed by the ZAP listener from the start, so that no subscriber's admission is missed.
            org.edgegateway.core.pubsub.Subscribers subscribers =
                    new org.edgegateway.core.pubsub.Subscribers(keys, clock, bans::abandoned);
            StartupSelfTest selfTest = new StartupSelfTest();
            zap = new ZapHandler(context, keys, bans, (client, address) -> loops.admit(client),
                    new ZapEvents(router, subscribers, metrics, trail, selfTest, bans, keys), clock, health);
            if (workers != null) {
                zap.domain(WorkerHub.DOMAIN, workers::lookupKey);
            }
            // The enrolment port admits any well-formed key (bans first), for its one exchange only.
            zap.domain(org.edgegateway.core.enrol.EnrolService.ZAP_DOMAIN, org.edgegateway.core.enrol.EnrolService.ZAP_KEYS);
            zap.start();
            String bound = router.start();
            selfTest.run(bound, serverKeys.publicKey());
            String clientEndpoint = config.publicEndpoint().isEmpty() ? advertised(bound) : config.publicEndpoint();
            if (pubsubConfig != null) {
                pubsub = org.edgegateway.core.pubsub.PubSub.start(context, serverKeys, pubsubConfig, keys, clock, health,
                        subscribers);
            } else {
                health.off(Health.PUBLISHER);
            }
            String workerEndpoint = "";
            if (workers != null) {
                workerEndpoint = advertised(workers.start());
                router.attach(workers);
            }
            String enrolEndpoint = null;
            if (enrolConfig == null) {
                health.off(Health.ENROL);
            } else {
                enrol = org.edgegateway.core.enrol.EnrolService.start(context, serverKeys, enrolConfig, store.claims(),
                        keys, bans, trail, System::nanoTime, health);
                enrolEndpoint = enrolConfig.publicEndpoint().isEmpty() ? advertised(enrol.boundEndpoint())
                        : enrolConfig.publicEndpoint();
            }
            String advertisedEnrol = enrolEndpoint;
            health.probe(Health.KEY_STORE, () -> storeAnswers(store));
            if (plugins != null) {
                org.edgegateway.core.plugins.PluginHost host = plugins;
                health.probe(Health.PLUGINS, host::serving);
            } else {
                health.off(Health.PLUGINS);
            }
            Router failSafeRouter = router;
            org.edgegateway.core.pubsub.PubSub failSafePubsub = pubsub;
            org.edgegateway.core.enrol.EnrolService failSafeEnrol = enrol;
            health.onDeath(death -> {
                if (death.part().equals(Health.ZAP)) {
                    // Without its ZAP handler the gateway must not accept anyone: close the binds now,
                    // before whoever owns the process gets round to stopping it.
                    LOG.error("gateway: the ZAP handler is dead; closing {} and the topic publisher", bound);
                    failSafeRouter.halt();
                    if (failSafePubsub != null) {
                        failSafePubsub.halt();
                    }
                    if (failSafeEnrol != null) {
                        failSafeEnrol.halt();
                    }
                }
            });
            Router live = router;
            MetricHistory history = new MetricHistory(metrics, () -> live.connections().size(), new ProcessProbe(),
                    clock);
            org.edgegateway.core.metrics.ClientRateHistory rates = new org.edgegateway.core.metrics.ClientRateHistory(clock);
            GatewayAdmin admin = new GatewayAdmin(store, keys, router, metrics, history, rates, bans, serverKeys.publicZ85(),
                    () -> clientEndpoint, clock, plugins, pubsub,
                    org.edgegateway.core.pubsub.RouterPush.overKeyCache(keys, router::push), workers, workerEndpoint,
                    advertisedEnrol);
            quarantiner = new Quarantiner(quarantines, admin, keys, router::quarantineSettled, admission, metrics, clock);
            quarantiner.start();
            ScheduledThreadPoolExecutor housekeeping = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "egw-housekeeping");
                t.setDaemon(true);
                return t;
            });
            // shutdown() drops what is scheduled (the next metric sample too) and waits only for a task under way
            housekeeping.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            housekeeping.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
            long every = config.lastSeenFlush().toMillis();
            LastSeenFlush lastSeen = new LastSeenFlush();
            housekeeping.scheduleWithFixedDelay(() -> lastSeen.flush(live.drainDeparted(), live.connections(),
                    store.clients()::touchLastSeen), every, every, TimeUnit.MILLISECONDS);
            history.sampleOn(housekeeping);
            rates.sampleOn(housekeeping, live::activity);
            LOG.info("gateway: serving on {} with {} enrolled clients; server key {}", bound, keys.size(),
                    serverKeys.publicZ85());
            return new Gateway(context, zap, router, quarantiner, audit, admin, metrics, store, housekeeping, lastSeen, bound,
                    clientEndpoint, pubsub, workers, health, enrol, enrolEndpoint);
        } catch (RuntimeException e) {
            if (workers != null) {
                workers.close();
            }
            if (enrol != null) {
                enrol.close();
            }
            if (pubsub != null) {
                pubsub.close();
            }
            if (quarantiner != null) {
                quarantiner.close();
            }
            if (router != null) {
                router.shutdown(Duration.ZERO);
            }
            if (zap != null) {
                zap.close();
            }
            context.close();
            if (audit != null) {
                audit.close();
            }
            throw e;
        }
    }

    /** The ZAP handler's events, routed to the connection table, the metrics, the bans and the audit log. */
    private record ZapEvents(Router router, org.edgegateway.core.pubsub.Subscribers subscribers,
                             GatewayMetrics metrics, AuditTrail audit, StartupSelfTest selfTest,
                             BanList bans, KeyCache keys) implements ZapHandler.Listener {
        @Override
        public void allowed(KeyCache.Entry client, String address, String domain) {
            metrics.countHandshakeAllowed();
            if (ZapHandler.ROUTER_DOMAIN.equals(domain)) {
                router.authenticated(client, address);
            } else if (org.edgegateway.core.pubsub.PubSub.ZAP_DOMAIN.equals(domain)) {
                // Which subscriber connections may be this key, so that revoking it cuts them.
                subscribers.admitted(client.publicKey(), address);
            }
        }

        @Override
        public void denied(String reason, String keyZ85, String address, String domain) {
            // Decided: the connection's end is not an abandoned handshake.
            if (ZapHandler.ROUTER_DOMAIN.equals(domain)) {
                router.refused(address);
            } else if (org.edgegateway.core.pubsub.PubSub.ZAP_DOMAIN.equals(domain)) {
                subscribers.refused(address);
            }
            if (keyZ85 != null && keyZ85.equals(selfTest.probeKey())) {
                selfTest.refusedByZap();
                return;
            }
            metrics.countZapDenied(reason);
            if (reason.equals("unknown-key") || reason.equals("malformed") || reason.equals("mechanism")) {
                // A failed authentication; revoked and quarantined keys are counted as handshakes only.
                bans.failed(address);
            }
            String detail = explain(reason, keyZ85);
            if (audit.record("zap", "auth.denied", keyZ85 == null ? "-" : keyZ85, detail, address)
                    && (reason.equals("quarantined") || reason.equals("revoked"))) {
                // An enrolled key only (bounded by the clients enrolled), at most once a minute per key and address.
                LOG.info("zap: refused {} from {}: {}", keyZ85, address, detail);
            }
        }

        /** The audit detail of a refusal: the reason word, and for an enrolled key whose it is and why. */
        private String explain(String reason, String keyZ85) {
            KeyCache.Entry entry = keyZ85 == null ? null : keys.lookup(keyZ85);
            if (entry == null) {
                return reason;
            }
            return switch (reason) {
                case "revoked" -> "revoked: client " + entry.name() + " is revoked";
                case "quarantined" -> entry.status() == org.edgegateway.keys.ClientStatus.QUARANTINED
                        ? "quarantined: client " + entry.name() + " is " + entry.quarantineText()
                        : "quarantined: client " + entry.name() + " reconnects in a loop"
                                + " (admission.quarantine.handshakes) and is being quarantined";
                default -> reason;
            };
        }
    }

    /** The key store's readiness probe: one indexed read of the newest audit row. */
    private static boolean storeAnswers(KeyStore store) {
        try {
            store.audit().page(Long.MAX_VALUE, 1);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("gateway: the key store does not answer: {}", e.getMessage());
            return false;
        }
    }

    /** The endpoint to give clients when none is configured: the bound one with a wildcard replaced by the host name. */
    public static String advertised(String bound) {
        if (!bound.contains("://0.0.0.0:") && !bound.contains("://*:") && !bound.contains("://[::]:")) {
            return bound;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "127.0.0.1";
        }
        return bound.replace("0.0.0.0", host).replace("*", host).replace("[::]", host);
    }

    public AdminService admin() {
        return admin;
    }

    /** The endpoint the ROUTER is bound to, with the real port. */
    public String boundEndpoint() {
        return boundEndpoint;
    }

    /** The endpoint written into client bundles. */
    public String clientEndpoint() {
        return clientEndpoint;
    }

    /** The enrolment port's ROUTER endpoint with the real port, or null when this gateway serves no enrolment. */
    public String enrolBoundEndpoint() {
        return enrol == null ? null : enrol.boundEndpoint();
    }

    /** The enrolment endpoint written into claim files, or null when this gateway serves no enrolment. */
    public String enrolEndpoint() {
        return enrolEndpoint;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The topic publisher, or null when this gateway runs without one. */
    /** The worker backend, or null when it is off. */
    public WorkerHub workers() {
        return workers;
    }

    public org.edgegateway.core.pubsub.PubSub pubsub() {
        return pubsub;
    }

    public Router router() {
        return router;
    }

    /**
     * Shows the state of this gateway's uplink to its upstream (an edge's store-and-forward, built
     * by the composition root beside the gateway) in {@link AdminService#stats()}, hence in the UI,
     * the control socket and {@code doctor}. Thread-safe; {@code source} is read on each stats call.
     */
    public void reportUplink(java.util.function.Supplier<org.edgegateway.core.admin.UplinkView> source) {
        admin.reportUplink(source);
    }

    /**
     * The vital signs of this gateway's owner threads, key store and plugins, for {@code /health};
     * whoever owns the process listens for a death ({@link Health#onDeath}) and ends it.
     */
    public Health health() {
        return health;
    }

    /** Graceful stop: stop reading, finish handlers in flight within {@code grace}, answer, close. */
    public void shutdown(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        health.stopping();
        LOG.info("gateway: stopping");
        quarantiner.close();
        router.shutdown(grace);
        if (workers != null) {
            workers.close();
        }
        if (pubsub != null) {
            pubsub.close();
        }
        if (enrol != null) {
            enrol.close();
        }
        // no interrupt: a flush under way must not have the store's file channel closed under it
        housekeeping.shutdown();
        try {
            if (!housekeeping.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("gateway: housekeeping did not finish within 10 s; last-seen times not written");
            } else {
                lastSeen.flush(router.drainDeparted(), router.connections(), store.clients()::touchLastSeen);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        zap.close();
        context.close();
        audit.close();
        LOG.info("gateway: stopped");
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
