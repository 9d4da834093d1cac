package org.edgegateway.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.health.Health;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.KeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin web UI, REST API and Prometheus endpoint, served by an embedded Jetty. Thread-safe;
 * owns Jetty's thread pool (threads named {@code egw-web-N}), which reaches the gateway only
 * through {@link AdminService} and the key store, never a socket.
 *
 * <p>{@link #start()} first makes sure an admin can log in: when the key store has no admin user
 * it creates {@code admin} with a random password, written once to
 * {@link WebConfig#initialPasswordFile()} (mode 0600) and to be replaced at the first login. Then
 * it loads or generates the TLS certificate and binds; any failure stops start-up with an
 * {@link IllegalStateException} naming the setting or file at fault.
 */
public final class AdminWebServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminWebServer.class);
    static final String INITIAL_ADMIN = "admin";
    /** The largest plugin upload (plugin file, signature and form overhead together) accepted by default. */
    public static final long DEFAULT_MAX_PLUGIN_UPLOAD = 32L * 1024 * 1024;
    /** Logins and password changes hashing at once (Argon2id, 19 MiB each); more are refused with 429. */
    static final int PASSWORD_HASHING_SLOTS = 4;

    private final WebConfig config;
    private final AdminService admin;
    private final KeyStore store;
    private final Supplier<String> prometheusScrape;
    private final Health health;
    private final Clock clock;
    private final long maxPluginUpload;
    private final Semaphore hashingSlots;
    private final PasswordHasher hasher = new PasswordHasher();
    private Server server;
    private ServerConnector connector;
    private TlsMaterial tlsMaterial;
    private List<String> routes = List.of();

    public AdminWebServer(WebConfig config, AdminService admin, KeyStore store, Supplier<String> prometheusScrape,
                          Clock clock) {
        this(config, admin, store, prometheusScrape, null, clock, DEFAULT_MAX_PLUGIN_UPLOAD);
    }

    /** As above, refusing plugin uploads over {@code maxPluginUpload} bytes with 413. */
    public AdminWebServer(WebConfig config, AdminService admin, KeyStore store, Supplier<String> prometheusScrape,
                          Clock clock, long maxPluginUpload) {
        this(config, admin, store, prometheusScrape, null, clock, maxPluginUpload);
    }

    /** As above, answering {@code /health} from {@code health} (the gateway's), without a token. */
    public AdminWebServer(WebConfig config, AdminService admin, KeyStore store, Supplier<String> prometheusScrape,
                          Health health, Clock clock) {
        this(config, admin, store, prometheusScrape, health, clock, DEFAULT_MAX_PLUGIN_UPLOAD);
    }

    /**
     * The full form: {@code health} null serves no {@code /health} (a web server without a gateway
     * behind it has nothing to report).
     */
    public AdminWebServer(WebConfig config, AdminService admin, KeyStore store, Supplier<String> prometheusScrape,
                          Health health, Clock clock, long maxPluginUpload) {
        this(config, admin, store, prometheusScrape, health, clock, maxPluginUpload,
                new Semaphore(PASSWORD_HASHING_SLOTS));
    }

    /** As above, with the slots for password hashing given (tests hold them to see a login refused). */
    AdminWebServer(WebConfig config, AdminService admin, KeyStore store, Supplier<String> prometheusScrape,
                   Health health, Clock clock, long maxPluginUpload, Semaphore hashingSlots) {
        this.hashingSlots = Objects.requireNonNull(hashingSlots, "hashingSlots");
        if (maxPluginUpload < 1024) {
            throw new IllegalArgumentException("admin web: maxPluginUpload " + maxPluginUpload + " < 1024 bytes");
        }
        this.maxPluginUpload = maxPluginUpload;
        this.config = Objects.requireNonNull(config, "config");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.store = Objects.requireNonNull(store, "store");
        this.prometheusScrape = Objects.requireNonNull(prometheusScrape, "prometheusScrape");
        this.health = health;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Creates the first admin if needed, loads the certificate and binds. */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("admin web server already started");
        }
        ensureInitialAdmin();
        if (config.tls()) {
            tlsMaterial = config.pkcs12Path() != null
                    ? TlsMaterial.loadPkcs12(config.pkcs12Path(), config.pkcs12Password())
                    : TlsMaterial.selfSigned(config.keysDir(), config.bindAddress(), clock);
        } else {
            LOG.warn("admin web: TLS is off (admin.tls=false): passwords and session cookies cross the network"
                    + " in clear text");
        }

        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setName("egw-web");
        Server jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(true);
        ServerConnector c;
        if (config.tls()) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // Jetty 12 compares each request's Host with the certificate and answers "400 Invalid SNI"
            // when the certificate does not name it. The check stays on, as a guard against DNS
            // rebinding (a foreign Host never matches); the generated certificate names localhost,
            // 127.0.0.1, ::1 and the bind address, so the UI opens by any of them.
            secure.setSniHostCheck(true);
            http.addCustomizer(secure);
            http.setSecureScheme("https");
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tlsMaterial.keyStore());
            ssl.setKeyStorePassword(tlsMaterial.password());
            ssl.setKeyManagerPassword(tlsMaterial.password());
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            c = new ServerConnector(jetty, ssl, new HttpConnectionFactory(http));
        } else {
            c = new ServerConnector(jetty, new HttpConnectionFactory(http));
        }
        c.setHost(config.bindAddress());
        c.setPort(config.port());
        c.setIdleTimeout(30_000);
        jetty.addConnector(c);

        ApiHandler api = api();
        Handler.Sequence routes = health == null ? new Handler.Sequence(api, new StaticAssets())
                : new Handler.Sequence(new HealthHandler(health), api, new StaticAssets());
        jetty.setHandler(new SecurityHeaders(routes));
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setStopTimeout(5_000);
        try {
            jetty.start();
        } catch (Exception e) {
            try {
                jetty.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("admin web: cannot listen on " + config.bindAddress() + ":" + config.port()
                    + " (admin.bind, admin.port): " + e.getMessage(), e);
        }
        server = jetty;
        connector = c;
        if (config.tls()) {
            LOG.info("admin web: listening on https://{}:{}/ certificate SHA-256 {}", hostForUrl(), port(),
                    certificateFingerprint());
        } else {
            LOG.info("admin web: listening on http://{}:{}/", hostForUrl(), port());
        }
    }

    /** The bound port (useful with port 0). */
    public synchronized int port() {
        if (connector == null) {
            throw new IllegalStateException("admin web server is not started");
        }
        return connector.getLocalPort();
    }

    /** SHA-256 of the TLS certificate, colon-separated upper-case hex; null when TLS is off. */
    public synchronized String certificateFingerprint() {
        return tlsMaterial == null ? null : tlsMaterial.fingerprint();
    }

    /** The TLS certificate served, for clients that pin it; null when TLS is off or not started. */
    public synchronized java.security.cert.X509Certificate certificate() {
        return tlsMaterial == null ? null : tlsMaterial.certificate();
    }

    /** The API's routes as {@code METHOD TEMPLATE}, once started (tests walk them). */
    synchronized List<String> routes() {
        return routes;
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("admin web: stop failed", e);
        } finally {
            server = null;
            connector = null;
        }
    }

    /** The REST API: its resources' routes behind the gate. */
    private ApiHandler api() {
        SessionCookie cookie = new SessionCookie(config.tls());
        Sessions sessions = new Sessions(config.sessionIdleTimeout(), config.sessionLifetime(), clock, store.admins());
        PasswordHashing hashing = new PasswordHashing(hasher, hashingSlots);
        ApiRoutes routes = new ApiRoutes();
        new SessionApi(store, sessions, new LoginThrottle(config.loginMaxFailures(), config.loginWindow(), clock),
                hashing, cookie, config.initialPasswordFile()).addTo(routes);
        new AdminsApi(admin, hashing).addTo(routes);
        new StatusApi(admin, this::certificateFingerprint).addTo(routes);
        new MonitorApi(admin).addTo(routes);
        new AuditApi(admin).addTo(routes);
        new ClientsApi(admin, store, new Bundles(clock), clock).addTo(routes);
        new PushApi(admin).addTo(routes);
        new TokensApi(admin, clock).addTo(routes);
        new ClaimsApi(admin).addTo(routes);
        new BansApi(admin).addTo(routes);
        new PluginsApi(admin, maxPluginUpload).addTo(routes);
        new WorkersApi(admin).addTo(routes);
        new MetricsApi(prometheusScrape).addTo(routes);
        this.routes = routes.declared();
        return new ApiHandler(new ApiGate(routes, new BearerTokens(store, clock), sessions, cookie, config.tls(),
                config.metricsOpen(), clock));
    }

    private String hostForUrl() {
        String b = config.bindAddress();
        return b.contains(":") && !b.startsWith("[") ? "[" + b + "]" : b;
    }

    private void ensureInitialAdmin() {
        if (!store.admins().list().isEmpty()) {
            return;
        }
        char[] password = AdminPasswords.generate().toCharArray();
        try {
            byte[] content = (new String(password) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.createDirectories(config.initialPasswordFile().toAbsolutePath().getParent());
            TlsMaterial.writeOwnerOnly(config.initialPasswordFile(), content);
            Arrays.fill(content, (byte) 0);
            store.admins().create(INITIAL_ADMIN, hasher.hash(password), AdminRole.ADMIN, true, "system", "local");
        } catch (IOException e) {
            throw new IllegalStateException("admin web: cannot write the first admin password to "
                    + config.initialPasswordFile() + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
        // The password itself is never logged: only where to find it.
        LOG.warn("admin web: created admin user '{}'; its first password is in {} (readable by its owner only)"
                + " and must be changed at the first login", INITIAL_ADMIN, config.initialPasswordFile());
    }
}
