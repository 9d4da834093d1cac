package org.edgegateway.dist;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.admission.AdmissionSettings;
import org.edgegateway.core.plugins.TrustedPublishers;
import org.edgegateway.core.plugins.PluginHost;
import org.edgegateway.core.plugins.PluginHostConfig;
import java.util.Set;
import org.edgegateway.core.pubsub.PubSubConfig;
import org.edgegateway.core.pubsub.PubSubSettings;
import org.edgegateway.protocol.Push;
import org.edgegateway.uplink.Uplink;
import org.edgegateway.uplink.UplinkConfig;
import org.edgegateway.uplink.UplinkReceiver;
import org.edgegateway.uplink.UplinkSettings;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.config.Setting;
import org.edgegateway.core.config.Settings;
import org.edgegateway.core.control.ControlServer;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.ZCertFiles;
import org.edgegateway.nacl.NaclCrypto;
import org.edgegateway.web.AdminWebServer;
import org.edgegateway.web.WebConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the one place that builds the concrete parts of a running gateway from its
 * home and configuration and wires them together, and takes them down in reverse. Used by one thread
 * (the one that runs {@code edge-gateway run}).
 */
final class GatewayApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

    /** Every configuration key of the gateway. */
    static List<Setting<?>> knownSettings() {
        List<Setting<?>> all = new ArrayList<>(Settings.CORE);
        all.addAll(AdmissionSettings.ALL);
        all.addAll(PluginHostConfig.SETTINGS);
        all.addAll(org.edgegateway.core.workers.WorkerConfig.SETTINGS);
        all.addAll(PubSubSettings.ALL);
        all.addAll(org.edgegateway.core.enrol.EnrolSettings.ALL);
        all.addAll(UplinkSettings.ALL);
        return all;
    }

    /** The install folder of the bundle this runs from (set by the launcher), or null outside a bundle. */
    static Path bundleBase() {
        String base = System.getProperty("egw.base");
        return base == null ? null : Path.of(base);
    }

    private final KeyStore store;
    private final PluginHost plugins;
    private final Uplink uplink;
    private final UplinkReceiver receiver;
    private final Gateway gateway;
    private final ControlServer control;
    private final PrometheusMeterRegistry meters;
    private final AdminWebServer web;

    private GatewayApp(KeyStore store, PluginHost plugins, Uplink uplink, UplinkReceiver receiver, Gateway gateway,
                       ControlServer control, PrometheusMeterRegistry meters, AdminWebServer web) {
        this.meters = meters;
        this.uplink = uplink;
        this.receiver = receiver;
        this.store = store;
        this.plugins = plugins;
        this.gateway = gateway;
        this.control = control;
        this.web = web;
    }

    /** The server key pair of a home: HOME/keys/server.key and server.key_secret, generated on first use. */
    static CurveKeyPair serverKeys(GatewayHome home) {
        try {
            return ZCertFiles.loadOrGenerate(home.keys(), "server");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the server key from " + home.keys() + ": " + e.getMessage(), e);
        }
    }

    static String storeUrl(GatewayHome home, Settings settings) {
        String url = settings.get(Settings.STORE_URL);
        return url == null || url.isBlank() ? KeyStore.fileUrl(home.data()) : url;
    }

    /**
     * Which library does CURVE's cryptography, handshakes and messages (libsodium or BouncyCastle, see
     * the nacl module), or that the bundle's NaCl classes are not the project's (a bundle where another
     * jar took their place).
     */
    static String curveCrypto() {
        try {
            return NaclCrypto.implementation();
        } catch (LinkageError e) {
            return "CURVE by the NaCl classes on the class path; edge-gateway-nacl is not there (" + e + ")";
        }
    }

    /**
     * Whether the host's libsodium computes X25519 and the messages' boxes (false as well when
     * edge-gateway-nacl is missing).
     */
    static boolean curveCryptoByLibsodium() {
        try {
            return NaclCrypto.x25519ByLibsodium() && NaclCrypto.secretboxByLibsodium();
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * JNA (the host's libsodium, see the nacl module) unpacks its native stub to {@code HOME/run/jna}, a
     * folder only the gateway's user may use, rather than {@code ~/.cache}, which a service unit hides
     * ({@code ProtectHome=yes}). An admin's own {@code -Djna.tmpdir} wins.
     */
    static void useJnaFolder(GatewayHome home) {
        if (System.getProperty("jna.tmpdir") != null) {
            return;
        }
        Path dir = home.run().resolve("jna");
        try {
            Files.createDirectories(dir);
            if (Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            System.setProperty("jna.tmpdir", dir.toString());
        } catch (IOException e) {
            // libsodium is only faster: without the folder the handshakes use BouncyCastle, and say so.
            LOG.warn("gateway: cannot prepare {} for JNA ({}); X25519 may fall back to BouncyCastle", dir, e.getMessage());
        }
    }

    static GatewayApp start(GatewayHome home, Map<String, String> environment) {
        return start(home, environment, bundleBase());
    }

    /**
     * Starts everything with the bundle at {@code base} (its built-in plugins and their publisher
     * keys), or with none ({@code null}: a development run, serving the plugins of
     * {@code HOME/plugins} only); fails leaving nothing running.
     */
    static GatewayApp start(GatewayHome home, Map<String, String> environment, Path base) {
        List<Setting<?>> known = knownSettings();
        home.create(known);
        useJnaFolder(home);
        Settings settings = home.loadSettings(known, environment);
        GatewayConfig config = GatewayConfig.from(settings);
        CurveKeyPair serverKeys = serverKeys(home);
        KeyStore store = KeyStore.open(storeUrl(home, settings));
        Gateway gateway = null;
        ControlServer control = null;
        AdminWebServer web = null;
        PluginHost plugins = null;
        Uplink uplink = null;
        UplinkReceiver receiver = null;
        try {
            AtomicReference<Gateway> running = new AtomicReference<>();
            // Outside a bundle (a development run) there are no built-in plugins: only those of HOME/plugins load.
            plugins = PluginHost.start(pluginHostConfig(settings, home, base),
                    (client, type, payload) -> push(running.get(), client, type, payload));
            if (base != null) {
                logBundleKeys(plugins.publishers());
            }
            HandlerLookup handlers = plugins;
            // Edge to cloud: what handlers accept is queued durably and forwarded upstream (uplink.*);
            // an upstream records what its edges forward (uplink.receive).
            UplinkConfig uplinkConfig = UplinkConfig.from(settings);
            uplink = Uplink.open(home.data().resolve("uplink"), uplinkConfig);
            if (settings.get(UplinkSettings.RECEIVE)) {
                receiver = UplinkReceiver.open(home.data().resolve("uplink-received"), Set.of(), Clock.systemUTC());
                handlers = receiver.servingWith(handlers, config.laneLimits());
            }
            handlers = uplink.wrap(handlers);
            PubSubConfig pubsub = settings.get(PubSubSettings.ENABLED) ? PubSubConfig.from(settings) : null;
            org.edgegateway.core.workers.WorkerConfig workers = settings.get(org.edgegateway.core.workers.WorkerConfig.ENABLED)
                    ? org.edgegateway.core.workers.WorkerConfig.from(settings) : null;
            org.edgegateway.core.enrol.EnrolConfig enrol = settings.get(org.edgegateway.core.enrol.EnrolSettings.ENABLED)
                    ? org.edgegateway.core.enrol.EnrolConfig.from(settings) : null;
            gateway = Gateway.start(config, AdmissionConfig.from(settings), pubsub, workers, enrol, plugins, store, serverKeys,
                    handlers, Clock.systemUTC());
            running.set(gateway);
            LOG.info("gateway: CURVE crypto: {}", curveCrypto());
            uplink.start(gateway.health());
            if (uplink.enabled()) {
                gateway.reportUplink(uplink::view);
            }
            if (settings.get(Settings.CONTROL_ENABLED)) {
                control = ControlServer.start(home.controlSocket(), gateway.admin());
            }
            PrometheusMeterRegistry meters = meters(gateway);
            if (uplink.enabled()) {
                PrometheusMeters.bindUplink(meters, uplink);
            }
            int adminPort = settings.get(Settings.ADMIN_PORT);
            if (adminPort != 0) {
                String keystore = settings.get(Settings.ADMIN_KEYSTORE);
                String keystorePassword = settings.get(Settings.ADMIN_KEYSTORE_PASSWORD);
                WebConfig defaults = WebConfig.defaults(home.root());
                WebConfig webConfig = new WebConfig(settings.get(Settings.ADMIN_BIND), adminPort,
                        settings.get(Settings.ADMIN_TLS),
                        keystore.isBlank() ? null : java.nio.file.Path.of(keystore),
                        keystorePassword.isBlank() ? null : keystorePassword,
                        home.keys(), defaults.initialPasswordFile(), settings.get(Settings.ADMIN_SESSION_IDLE),
                        settings.get(Settings.ADMIN_SESSION_LIFETIME),
                        defaults.loginMaxFailures(), defaults.loginWindow(), settings.get(Settings.METRICS_OPEN));
                web = new AdminWebServer(webConfig, gateway.admin(), store, meters::scrape, gateway.health(),
                        Clock.systemUTC());
                web.start();
                LOG.info("admin UI on {}://{}:{}/ (certificate SHA-256 {})", webConfig.tls() ? "https" : "http",
                        webConfig.bindAddress(), web.port(), web.certificateFingerprint());
            }
            LOG.info("server public key {}", serverKeys.publicZ85());
            LOG.info("clients connect to {}", gateway.clientEndpoint());
            return new GatewayApp(store, plugins, uplink, receiver, gateway, control, meters, web);
        } catch (RuntimeException e) {
            closeAll(web, control, gateway, uplink, receiver, plugins, store);
            throw e;
        }
    }

    /**
     * The plugin host of a bundle: its built-in plugins, checked against the bundle's own publisher
     * keys ({@code BASE/conf/publishers}, never copied into the home) as well as the admin's.
     */
    static PluginHostConfig pluginHostConfig(Settings settings, GatewayHome home, Path base) {
        return PluginHostConfig.from(settings, home, base == null ? null : base.resolve("plugins"),
                base == null ? null : bundlePublishers(base));
    }

    /** The bundle's own publisher keys: {@code BASE/conf/publishers}. */
    static Path bundlePublishers(Path base) {
        return base.resolve("conf").resolve("publishers");
    }

    private static void logBundleKeys(TrustedPublishers publishers) {
        for (TrustedPublishers.Entry e : publishers.bundleEntries()) {
            if (e.developmentKey()) {
                LOG.warn("plugins: the built-in plugins are signed with a DEVELOPMENT key made for one build ({},"
                        + " {}): this is not a release build", e.fingerprint(), e.file());
            } else {
                LOG.info("plugins: the built-in plugins are trusted through the bundle's key {} ({})", e.fingerprint(),
                        e.file());
            }
        }
        for (TrustedPublishers.Entry e : publishers.entries()) {
            if (e.copiedBuildKey()) {
                LOG.warn("plugins: {} in {} is a build key an older release copied there; nothing needs it now:"
                        + " edge-gateway plugins untrust {}", e.fingerprint(), e.file().getParent(), e.fingerprint());
            }
        }
    }

    private static CompletableFuture<Boolean> push(Gateway gateway, String client, String type, byte[] payload) {
        if (gateway == null) {
            return CompletableFuture.completedFuture(false);
        }
        return gateway.admin().client(client)
                .filter(ClientView::connected)
                .map(v -> gateway.router().push(v.publicKey(), new Push(type, payload)))
                .orElse(CompletableFuture.completedFuture(false));
    }

    static PrometheusMeterRegistry meters(Gateway gateway) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeters.bind(registry, gateway);
        if (gateway.workers() != null) {
            PrometheusMeters.bindWorkers(registry, gateway.workers());
        }
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    Gateway gateway() {
        return gateway;
    }

    /** The admin web server, or null when {@code admin.port} is 0 (tests reach its port). */
    AdminWebServer web() {
        return web;
    }

    /** The meters {@code GET /metrics} answers with. */
    PrometheusMeterRegistry meters() {
        return meters;
    }

    /** The uplink to the upstream (disabled when uplink.bundle is empty). */
    Uplink uplink() {
        return uplink;
    }

    /**
     * Tells {@code listener} when an owner thread (router, ZAP handler, publisher, uplink) dies; at
     * once if one already has. The process must then end with a non-zero exit code, so that the
     * service manager starts a new one ({@code Restart=on-failure}).
     */
    void onDeath(java.util.function.Consumer<org.edgegateway.core.health.Health.Death> listener) {
        gateway.health().onDeath(listener);
    }

    /** Stops in reverse order of start: web, control channel, gateway (finishing work in flight), store. */
    @Override
    public void close() {
        closeAll(web, control, gateway, uplink, receiver, plugins, store);
    }

    private static void closeAll(AdminWebServer web, ControlServer control, Gateway gateway, Uplink uplink,
                                 UplinkReceiver receiver, PluginHost plugins, KeyStore store) {
        List<AutoCloseable> parts = new ArrayList<>();
        if (web != null) {
            parts.add(web);
        }
        if (control != null) {
            parts.add(control);
        }
        if (gateway != null) {
            parts.add(() -> gateway.shutdown(Duration.ofSeconds(10)));
        }
        if (uplink != null) {
            parts.add(uplink::close);
        }
        if (receiver != null) {
            parts.add(receiver::stop);
        }
        if (plugins != null) {
            parts.add(plugins);
        }
        parts.add(store);
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", part, e.toString());
            }
        }
    }
}
