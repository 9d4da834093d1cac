package org.edgegateway.dist;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.config.Settings;
import org.edgegateway.core.control.ControlClient;
import org.edgegateway.core.plugins.TrustedPublishers;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.ZCertFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code doctor}: checks an installation and says what is wrong and how to fix it; exits 1 when
 * something is wrong (warnings alone exit 0).
 */
@Command(name = "doctor", description = "Check Java, files and permissions, configuration, JVM options, ports, key store,"
        + " API tokens, certificates, plugin signatures and the uplink.")
final class DoctorCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    enum Level { OK, WARN, FAIL }

    record Finding(Level level, String what, String fix) {
    }

    private final List<Finding> findings = new ArrayList<>();

    private void ok(String what) {
        findings.add(new Finding(Level.OK, what, null));
    }

    private void warn(String what, String fix) {
        findings.add(new Finding(Level.WARN, what, fix));
    }

    private void fail(String what, String fix) {
        findings.add(new Finding(Level.FAIL, what, fix));
    }

    @Override
    public Integer call() {
        GatewayHome home = main.home();
        checkJava();
        if (!home.exists()) {
            fail("no gateway home at " + home, "run `edge-gateway --home " + home + " run` once to create it, or pass --home");
            return report();
        }
        ok("home " + home);
        Settings settings = null;
        try {
            settings = home.loadSettings(GatewayApp.knownSettings(), System.getenv());
            ok("configuration " + home.configFile());
        } catch (RuntimeException e) {
            fail("configuration: " + e.getMessage(), "fix " + home.configFile() + " or the EGW_ variable named");
        }
        checkOwnerOnly(home.keys(), true, "keys folder");
        checkOwnerOnly(home.data(), true, "data folder");
        checkOwnerOnly(home.run(), true, "run folder");
        checkServerKey(home);
        checkInitialPassword(home.root().resolve("admin-password.txt"));
        checkJvmOptions(home);
        checkHeap(home);
        checkCurveCrypto();
        boolean running = ControlClient.reachable(home.controlSocket());
        if (running) {
            ok("a gateway is running on this home (control socket answers)");
        }
        if (settings != null) {
            checkPorts(settings, running);
            checkStore(home, settings, running);
            checkCertificate(home, settings);
            checkPlugins(home, settings, running);
            checkUplink(home, settings, running);
            checkWorkers(home, settings, running);
        }
        return report();
    }

    private void checkJava() {
        int feature = Runtime.version().feature();
        if (feature < 17) {
            fail("Java " + Runtime.version() + " is too old", "install Java 17 or newer and set JAVA_HOME");
        } else {
            ok("Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        }
    }

    private void checkOwnerOnly(Path path, boolean directory, String what) {
        if (!Files.exists(path)) {
            if (directory) {
                fail(what + " " + path + " is missing", "start the gateway once to create it");
            }
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            List<PosixFilePermission> open = new ArrayList<>();
            for (PosixFilePermission p : perms) {
                if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                    open.add(p);
                }
            }
            if (open.isEmpty()) {
                ok(what + " " + path + " is owner-only");
            } else {
                Collections.sort(open);
                fail(what + " " + path + " is open to " + open, "chmod " + (directory ? "700 " : "600 ") + path);
            }
        } catch (IOException | UnsupportedOperationException e) {
            warn("cannot read the permissions of " + path + ": " + e.getMessage(), "check it by hand");
        }
    }

    /** The first admin password's file lives only until that password is changed, which deletes it. */
    private void checkInitialPassword(Path file) {
        if (!Files.exists(file)) {
            ok("no initial admin password file (" + file.getFileName() + ")");
            return;
        }
        checkOwnerOnly(file, false, "initial admin password file");
        warn("initial admin password file " + file + " still exists",
                "log in to the admin UI as admin and change the password (that deletes the file), or delete it");
    }

    private void checkServerKey(GatewayHome home) {
        Path secret = home.keys().resolve("server" + ZCertFiles.SECRET_SUFFIX);
        if (!Files.exists(secret)) {
            fail("server key " + secret + " is missing", "start the gateway once to generate it, or restore a backup");
            return;
        }
        checkOwnerOnly(secret, false, "server secret key");
        try {
            var cert = ZCertFiles.read(secret);
            CurveKeyPair pair = new CurveKeyPair(cert.publicKey(), cert.secretKey());
            ok("server key " + pair.publicZ85() + " (public and secret halves match)");
        } catch (IOException | RuntimeException e) {
            fail("server key " + secret + " is unreadable: " + e.getMessage(), "restore it from a backup; a new key means re-enrolling every sensor's server.key");
        }
    }

    private void checkPorts(Settings settings, boolean running) {
        String endpoint = settings.get(Settings.ENDPOINT);
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring("tcp://".length(), colon);
        String port = endpoint.substring(colon + 1);
        if (!port.equals("*")) {
            checkPort("gateway.endpoint", host, Integer.parseInt(port), running);
        }
        if (settings.get(org.edgegateway.core.workers.WorkerConfig.ENABLED)) {
            checkEndpointPort("workers.endpoint", settings.get(org.edgegateway.core.workers.WorkerConfig.ENDPOINT), running);
        }
        if (settings.get(org.edgegateway.core.enrol.EnrolSettings.ENABLED)) {
            checkEndpointPort("enrol.endpoint", settings.get(org.edgegateway.core.enrol.EnrolSettings.ENDPOINT), running);
        }
        int admin = settings.get(Settings.ADMIN_PORT);
        if (admin != 0) {
            checkPort("admin.port", settings.get(Settings.ADMIN_BIND), admin, running);
        }
    }

    /** {@link #checkPort} for a {@code tcp://HOST:PORT} endpoint; an ephemeral or malformed one is not checked here. */
    private void checkEndpointPort(String key, String endpoint, boolean running) {
        int c = endpoint.lastIndexOf(':');
        String port = c < 0 ? "" : endpoint.substring(c + 1);
        if (endpoint.startsWith("tcp://") && c > 6 && !port.isEmpty() && port.chars().allMatch(Character::isDigit)) {
            checkPort(key, endpoint.substring("tcp://".length(), c), Integer.parseInt(port), running);
        }
    }

    private void checkPort(String key, String host, int port, boolean running) {
        String bindHost = host.equals("*") ? "0.0.0.0" : host;
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(bindHost), port));
            ok(key + ": port " + port + " on " + bindHost + " is free");
        } catch (IOException e) {
            if (running) {
                ok(key + ": port " + port + " is in use by this gateway");
            } else {
                fail(key + ": port " + port + " on " + bindHost + " is in use by another program",
                        "stop that program, or set " + key + " (or its EGW_ variable) to another port");
            }
        }
    }

    private void checkStore(GatewayHome home, Settings settings, boolean running) {
        if (!settings.get(Settings.STORE_URL).isBlank()) {
            ok("store.url names an embedded H2 file (no server, no INIT)");
        }
        if (running) {
            try (ControlClient c = ControlClient.connect(home.controlSocket()).orElseThrow()) {
                ok("key store answers through the gateway: " + c.clients().size() + " enrolled clients");
                checkTokens(c.apiTokens());
            } catch (RuntimeException e) {
                fail("the running gateway did not answer: " + e.getMessage(), "look at HOME/logs/gateway.log");
            }
            return;
        }
        try (org.edgegateway.keys.KeyStore store = org.edgegateway.keys.KeyStore.open(GatewayApp.storeUrl(home, settings))) {
            int clients = store.clients().list().size();
            store.audit().page(Long.MAX_VALUE, 1);
            ok("key store " + store.location() + ": schema version " + store.schemaVersion()
                    + " (every migration recorded and checked), " + clients + " enrolled clients");
            checkTokens(store.tokens().list().stream().map(org.edgegateway.core.admin.ApiTokenView::of).toList());
        } catch (RuntimeException e) {
            fail("key store: " + e.getMessage(), "restore the last backup with `edge-gateway restore FILE` into an empty home,"
                    + " or the copy taken before a failed migration (data/keystore.before-V<n>.zip)");
        }
    }

    /** API tokens that can do everything for ever are worth a second look. */
    private void checkTokens(List<org.edgegateway.core.admin.ApiTokenView> tokens) {
        Instant now = Instant.now();
        List<String> forever = new ArrayList<>();
        int usable = 0;
        for (var t : tokens) {
            if (t.usableAt(now)) {
                usable++;
                if (t.scope() == org.edgegateway.keys.TokenScope.ADMIN && t.expiresAt() == null) {
                    forever.add(t.name());
                }
            }
        }
        if (forever.isEmpty()) {
            ok("API tokens: " + usable + " in use, none with admin scope and no expiry");
        } else {
            warn("API tokens with admin scope that never expire: " + String.join(", ", forever),
                    "give automation read-only or metrics tokens, or ones that expire (tokens create NAME --scope S"
                            + " --expires-in 90d), and revoke these (tokens revoke NAME)");
        }
    }

    /**
     * Which library does CURVE's cryptography: the host's libsodium when it has one (see the nacl
     * module), else BouncyCastle, which works the same but costs more CPU per handshake and message.
     */
    private void checkCurveCrypto() {
        String which = GatewayApp.curveCrypto();
        if (GatewayApp.curveCryptoByLibsodium() || which.contains("=off)")) {
            ok(which);
        } else {
            warn(which, "install libsodium (Debian: apt install libsodium23) and restart the gateway: its CURVE"
                    + " handshakes and messages then cost less CPU (docs/PERFORMANCE.md)");
        }
    }

    /** The heap ceiling the launcher will give the gateway, against the host's memory. */
    private void checkHeap(GatewayHome home) {
        Path own = home.conf().resolve("jvm.options");
        Path base = GatewayApp.bundleBase();
        Path file = Files.isRegularFile(own) && otherOwner(home.root()) == null ? own
                : base == null ? null : base.resolve("conf/jvm.options");
        long host = hostMemory();
        if (file == null || !Files.isRegularFile(file) || host <= 0) {
            return;
        }
        try {
            long heap = maxHeap(Files.readAllLines(file));
            Finding f = heapFinding(heap, host, file);
            findings.add(f);
        } catch (IOException | RuntimeException e) {
            warn("cannot read " + file + ": " + e.getMessage(), "check its -Xmx by hand");
        }
    }

    /** The last {@code -Xmx} of a jvm.options file, in bytes; -1 when none (the JVM's default then: a quarter of RAM). */
    static long maxHeap(List<String> lines) {
        long heap = -1;
        for (String raw : lines) {
            String l = raw.strip();
            if (l.startsWith("-Xmx")) {
                String v = l.substring(4).toLowerCase(java.util.Locale.ROOT);
                long unit = v.endsWith("g") ? 1L << 30 : v.endsWith("m") ? 1L << 20 : v.endsWith("k") ? 1L << 10 : 1;
                heap = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1)) * unit;
            }
        }
        return heap;
    }

    /**
     * The heap ceiling against the host's memory: the JVM needs about 150 MB beside its heap (code,
     * metaspace, threads, buffers), and the host its own share: when both pass three quarters of the
     * memory, a full heap can push the host into swapping or the OOM killer.
     */
    static Finding heapFinding(long heap, long host, Path file) {
        String hostText = String.format(java.util.Locale.ROOT, "%.1f GiB", host / (double) (1L << 30));
        if (heap < 0) {
            return new Finding(Level.WARN, file + " sets no -Xmx: the JVM takes a quarter of the host's " + hostText,
                    "set -Xmx in " + file + " (the bundle's default is -Xmx512m)");
        }
        String heapText = (heap >> 20) + " MB";
        long budget = host / 4 * 3;
        if (heap + (150L << 20) > budget) {
            return new Finding(Level.WARN, "heap ceiling " + heapText + " (" + file + ") plus about 150 MB beside it is over"
                    + " three quarters of the host's " + hostText, "lower -Xmx in " + file + " to at most "
                    + Math.max(64, (budget >> 20) - 150) + "m, or give the host more memory");
        }
        return new Finding(Level.OK, "heap ceiling " + heapText + " (" + file + ") fits the host's " + hostText, null);
    }

    /** MemTotal of /proc/meminfo in bytes, or -1 when unknown. */
    static long hostMemory() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * HOME/conf/jvm.options decides what the JVM of every command on this home runs; the launcher reads
     * it only for the home's owner, and only when nobody else may write it.
     */
    private void checkJvmOptions(GatewayHome home) {
        Path file = home.conf().resolve("jvm.options");
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            String fileOwner = Files.getOwner(file, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName();
            String homeOwner = Files.getOwner(home.root()).getName();
            if (Files.isSymbolicLink(file) || !fileOwner.equals(homeOwner) || perms.contains(PosixFilePermission.GROUP_WRITE)
                    || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                fail(file + " belongs to " + fileOwner + " or may be written by others, so the launcher ignores it",
                        "make it a plain file of " + homeOwner + ": chown " + homeOwner + " " + file + " && chmod 600 " + file);
            } else if (otherOwner(home.root()) != null) {
                ok(file + " is read only when " + homeOwner + " runs a command; yours (" + System.getProperty("user.name")
                        + ") use the bundle's conf/jvm.options");
            } else {
                ok(file + " is yours and read by the launcher");
            }
        } catch (IOException | UnsupportedOperationException e) {
            warn("cannot read the owner of " + file + ": " + e.getMessage(), "check it by hand");
        }
    }

    private void checkCertificate(GatewayHome home, Settings settings) {
        if (settings.get(Settings.ADMIN_PORT) == 0 || !settings.get(Settings.ADMIN_TLS)) {
            return;
        }
        String configured = settings.get(Settings.ADMIN_KEYSTORE);
        Path file = configured.isBlank() ? home.keys().resolve("admin-web.p12") : Path.of(configured);
        if (!Files.exists(file)) {
            if (configured.isBlank()) {
                ok("admin UI certificate: generated at the next start");
            } else {
                fail("admin.tls.keystore " + file + " does not exist", "fix admin.tls.keystore");
            }
            return;
        }
        try {
            String password = configured.isBlank()
                    ? Files.readString(home.keys().resolve("admin-web.p12.password"), StandardCharsets.UTF_8).strip()
                    : settings.get(Settings.ADMIN_KEYSTORE_PASSWORD);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, password.toCharArray());
            }
            Instant notAfter = null;
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.getCertificate(alias) instanceof X509Certificate c) {
                    notAfter = c.getNotAfter().toInstant();
                }
            }
            if (notAfter == null) {
                fail("admin UI certificate " + file + " holds no X.509 certificate", "replace it");
            } else if (notAfter.isBefore(Instant.now())) {
                fail("admin UI certificate " + file + " expired on " + notAfter,
                        configured.isBlank() ? "delete it; the gateway generates a new one at its next start" : "install a new certificate");
            } else if (notAfter.isBefore(Instant.now().plus(Duration.ofDays(30)))) {
                warn("admin UI certificate " + file + " expires on " + notAfter, "renew it before then");
            } else {
                ok("admin UI certificate valid until " + notAfter);
            }
        } catch (Exception e) {
            fail("admin UI certificate " + file + " cannot be read: " + e.getMessage(), "check admin.tls.keystore-password, or replace the file");
        }
    }

    /** Every plugin verifies against a trusted publisher and loads; the built-ins are checked too. */
    private void checkPlugins(GatewayHome home, Settings settings, boolean running) {
        Path base = GatewayApp.bundleBase();
        checkPublisherKeys(new TrustedPublishers(home.keys().resolve("publishers"),
                base == null ? null : GatewayApp.bundlePublishers(base)));
        List<org.edgegateway.core.plugins.PluginInfo> plugins;
        if (running) {
            try (ControlClient c = ControlClient.connect(home.controlSocket()).orElseThrow()) {
                plugins = c.plugins();
            } catch (RuntimeException e) {
                warn("cannot list the running gateway's plugins: " + e.getMessage(), "look at HOME/logs/gateway.log");
                return;
            }
        } else {
            String owner = otherOwner(home.root());
            if (owner != null) {
                // Loading them would run code the home's owner can change inside this process.
                warn("the plugins of " + home + " are not loaded into this process: the home belongs to " + owner
                        + ", not to " + System.getProperty("user.name"), "run doctor as " + owner + " to check them");
                return;
            }
            try (var host = org.edgegateway.core.plugins.PluginHost.start(GatewayApp.pluginHostConfig(settings, home, base),
                    org.edgegateway.core.plugins.ClientPush.NONE)) {
                plugins = host.list();
            } catch (RuntimeException e) {
                fail("plugins cannot be loaded: " + e.getMessage(), "look at the plugin named, or remove it from " + home.plugins());
                return;
            }
        }
        for (var p : plugins) {
            switch (p.state()) {
                case REFUSED -> fail("plugin " + p.id() + " (" + p.file() + ") is refused: " + p.reason(),
                        "trust its publisher with `edge-gateway plugins trust KEY.pub`, replace a tampered file, or remove it");
                case FAILED -> fail("plugin " + p.id() + " failed: " + p.reason(), "see HOME/logs/gateway.log; fix or remove it");
                default -> ok("plugin " + p.id() + " " + p.version() + " " + p.state().name().toLowerCase(java.util.Locale.ROOT)
                        + (p.publisher().isEmpty() ? "" : ", signed by " + p.publisher()));
            }
        }
    }

    /** The bundle's own signing key (release or development), and build keys older releases left in the home. */
    private void checkPublisherKeys(TrustedPublishers publishers) {
        for (TrustedPublishers.Entry e : publishers.bundleEntries()) {
            if (e.developmentKey()) {
                warn("the built-in plugins are signed with a development key made for one build (" + e.fingerprint()
                        + "): this bundle is not a release build", "run a release bundle on a production gateway");
            } else {
                ok("the built-in plugins are signed with the bundle's key " + e.fingerprint() + " (" + e.file().getFileName()
                        + "), trusted for them only and not stored in the home");
            }
        }
        for (TrustedPublishers.Entry e : publishers.entries()) {
            if (e.copiedBuildKey()) {
                warn("publisher key " + e.fingerprint() + " in " + e.file().getParent() + " is a build key an older release"
                        + " copied there; it is still trusted for every plugin", "edge-gateway plugins untrust " + e.fingerprint());
            }
        }
    }

    /** The owner of {@code path} when it is not the user running this, else null (also when unknown). */
    static String otherOwner(Path path) {
        try {
            String owner = Files.getOwner(path).getName();
            return owner.equals(System.getProperty("user.name")) ? null : owner;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** The worker backend: its keys, and on a running gateway who is connected serving what. */
    private void checkWorkers(GatewayHome home, Settings settings, boolean running) {
        if (!settings.get(org.edgegateway.core.workers.WorkerConfig.ENABLED)) {
            return;
        }
        try {
            org.edgegateway.core.workers.WorkerConfig.from(settings);
        } catch (RuntimeException e) {
            fail("workers: " + e.getMessage(), "fix the workers.* keys in " + home.configFile());
            return;
        }
        List<org.edgegateway.core.admin.WorkerInfo> workers;
        if (running) {
            try (ControlClient c = ControlClient.connect(home.controlSocket()).orElseThrow()) {
                workers = c.workers();
            } catch (RuntimeException e) {
                warn("cannot read the running gateway's workers: " + e.getMessage(), "look at HOME/logs/gateway.log");
                return;
            }
        } else {
            try (org.edgegateway.keys.KeyStore store = org.edgegateway.keys.KeyStore.open(GatewayApp.storeUrl(home, settings))) {
                workers = store.workers().list().stream().map(r -> org.edgegateway.core.admin.WorkerInfo.of(r.name(),
                        r.publicKey(), r.enrolledAt(), r.enrolledBy(), r.revokedAt(), List.of())).toList();
            } catch (RuntimeException e) {
                return; // the key store check above reports it
            }
        }
        long active = workers.stream().filter(w -> w.status().equals("active")).count();
        if (active == 0) {
            warn("workers: the workers' port is open but no worker key is enrolled",
                    "set workers.enabled=false if no external worker serves this gateway, or `edge-gateway workers add NAME`");
            return;
        }
        if (!running) {
            ok("workers: " + active + " worker keys enrolled; who is connected is known while the gateway runs");
            return;
        }
        java.util.Set<String> types = new java.util.TreeSet<>();
        int connected = 0;
        for (org.edgegateway.core.admin.WorkerInfo w : workers) {
            for (org.edgegateway.core.workers.WorkerView v : w.connections()) {
                connected++;
                types.addAll(v.types());
            }
        }
        if (connected == 0) {
            warn("workers: " + active + " worker keys enrolled, none connected",
                    "start the workers; check that they reach workers.endpoint and use their own bundle");
        } else {
            ok("workers: " + connected + " connected of " + active + " enrolled, serving " + String.join(", ", types));
        }
    }

    /** An edge's uplink: does the upstream take its traffic? Known from a running gateway only. */
    private void checkUplink(GatewayHome home, Settings settings, boolean running) {
        org.edgegateway.uplink.UplinkConfig config;
        try {
            config = org.edgegateway.uplink.UplinkConfig.from(settings);
        } catch (RuntimeException e) {
            fail("uplink: " + e.getMessage(), "fix the uplink.* keys in " + home.configFile());
            return;
        }
        if (!config.enabled()) {
            return;
        }
        if (!running) {
            ok("uplink: configured with bundle " + config.bundle() + "; whether the upstream takes its traffic is known"
                    + " while the gateway runs");
            return;
        }
        org.edgegateway.core.admin.UplinkView u;
        try (ControlClient c = ControlClient.connect(home.controlSocket()).orElseThrow()) {
            u = c.stats().uplink();
        } catch (RuntimeException e) {
            warn("cannot read the running gateway's uplink: " + e.getMessage(), "look at HOME/logs/gateway.log");
            return;
        }
        if (u == null) {
            warn("uplink: configured, but the running gateway has none", "restart the gateway to apply the uplink.* keys");
        } else if (!u.refusal().isEmpty()) {
            fail("uplink: the upstream refuses this edge's traffic since " + u.refusedSince() + ": " + u.refusal() + "; "
                    + u.waiting() + " messages wait in the queue", u.remedy());
        } else if (!u.connected() && u.waiting() > 0) {
            warn("uplink: not connected to the upstream; " + u.waiting() + " messages wait in the queue"
                    + (u.lastError().isEmpty() ? "" : " (" + u.lastError() + ")"),
                    "check that the upstream runs and is reachable at uplink.endpoint or the bundle's endpoint");
        } else {
            ok("uplink: " + (u.connected() ? "connected" : "idle") + ", " + u.forwarded() + " forwarded, " + u.waiting()
                    + " waiting, " + u.deadLettered() + " dead-lettered");
        }
    }

    private int report() {
        boolean failed = false;
        for (Finding f : findings) {
            System.out.println(f.level() + "  " + f.what());
            if (f.fix() != null) {
                System.out.println("      fix: " + f.fix());
            }
            failed |= f.level() == Level.FAIL;
        }
        System.out.println(failed ? "something is wrong: see FAIL above" : "all checks passed");
        return failed ? Main.FAILED : Main.OK;
    }
}
