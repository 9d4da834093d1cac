package org.edgegateway.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.router.Lane;
import org.edgegateway.core.router.Route;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.plugin.api.PluginContext;
import org.edgegateway.plugin.api.Spi;
import org.edgegateway.protocol.TypeNames;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's plugins: loads the verified ones with PF4J, serves their types to the router, and
 * starts, stops, reloads, installs and unloads them while the gateway runs. Thread-safe.
 *
 * <p>Each started plugin gets a {@link Lane} of its own (its threads, its queue bounded in bytes,
 * its breaker), and each of its types a {@link Route} to its handler on that lane; the router keeps
 * its own table of the routes and reads {@link #route} only when {@link #version()} has changed.
 * Everything else (admin operations, the stop of a plugin whose lane tripped) is serialised on
 * this object's lock, so two admins cannot race one plugin; plugin code that runs then
 * (constructors, {@link MessageHandler#nonBlocking()}, {@link MessageHandler#stop()}) runs on the
 * {@code egw-plugin-admin} thread under a time limit, so a hanging plugin delays the admin's answer
 * by that limit at most and never the message flow.
 *
 * <p>Loading one plugin file, in order: copy it to the staging folder (so the bytes checked are the
 * bytes loaded), check its detached signature against the trusted publisher keys <em>before</em>
 * anything inside the archive is parsed (a refused file is listed under its file name), read its
 * descriptor and check its {@code plugin.id} ({@link #validId}: the id names its data folder
 * {@code HOME/data/plugins/<id>} and its configuration {@code conf/plugins/<id>.properties}, so
 * {@code ../} or a separator never gets near a path), check {@code plugin.requires} against
 * {@link Spi#VERSION}, hand the copy to PF4J, build each {@link MessageHandler} extension once with
 * its {@link PluginContext}, check its types against the other plugins', then publish them. A
 * failure at any step leaves the plugin listed as refused or failed with the reason, and the other
 * plugins running.
 *
 * <p>PF4J has no sandbox. What the gateway enforces, per plugin (see {@link Lane}): a time limit per
 * call, threads and queued bytes of its own, a circuit breaker, and a watchdog that fails a plugin
 * whose running calls allocate more than {@link PluginHostConfig#maxCallAllocation()} and, on JDKs
 * that still allow it (up to 19), stops those calls' threads, as it does with calls still running
 * once their plugin stopped. A plugin can still harm the process in ways no host can prevent (native
 * code, {@code System.exit}, reading the key store): trust decides who may run here, isolation only
 * limits accidents.
 */
public final class PluginHost implements HandlerLookup, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final PluginHostConfig config;
    private final ClientPush push;
    private final TrustedPublishers publishers;
    private final GatewayPluginManager pf4j;
    private final ExecutorService admin;
    private final ExecutorService trips;
    private final Map<Path, Slot> slots = new LinkedHashMap<>();
    private final Map<String, PluginCounters> counters = new HashMap<>();
    private volatile Map<String, Route> byType = Map.of();
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    private int staged;
    private boolean closed;
    private volatile boolean open = true;

    private PluginHost(PluginHostConfig config, ClientPush push) {
        this.config = config;
        this.push = push;
        this.publishers = new TrustedPublishers(config.publishers(), config.bundlePublishers());
        this.pf4j = new GatewayPluginManager(config.staging());
        this.admin = Executors.newSingleThreadExecutor(r -> daemon(r, "egw-plugin-admin"));
        this.trips = Executors.newSingleThreadExecutor(r -> daemon(r, "egw-plugin-trips"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Loads and starts every plugin of the bundle's folder, then of {@code HOME/plugins}, each folder
     * in file-name order. A plugin that cannot be loaded is listed as refused or failed; only a
     * folder that cannot be created or read fails the start.
     */
    public static PluginHost start(PluginHostConfig config, ClientPush push) {
        PluginHost host = new PluginHost(config, push);
        try {
            if (config.legacyDataRoot() != null) {
                moveLegacyData(config.legacyDataRoot(), config.dataRoot());
            }
            for (Path dir : List.of(config.installed(), config.dataRoot(), config.configFolder())) {
                Files.createDirectories(dir);
            }
            deleteTree(config.staging());
            Files.createDirectories(config.staging());
        } catch (IOException e) {
            host.close();
            throw new UncheckedIOException("plugins: cannot prepare folders: " + e.getMessage(), e);
        }
        synchronized (host) {
            if (config.bundled() != null) {
                for (Path f : pluginFiles(config.bundled())) {
                    host.load(f, true);
                }
            }
            for (Path f : pluginFiles(config.installed())) {
                host.load(f, false);
            }
        }
        LOG.info("plugins: {} started, serving types {}", host.list().stream()
                .filter(p -> p.state() == PluginState.STARTED).count(), host.types());
        return host;
    }

    // ---- HandlerLookup: lock-free; the router asks only when the version changed -------------------

    @Override
    public Route route(String type) {
        return byType.get(type);
    }

    @Override
    public Set<String> types() {
        return byType.keySet();
    }

    @Override
    public long version() {
        return version.get();
    }

    /**
     * Whether the host runs and serves at least one type: the readiness of the plugins for
     * {@code /health}. Lock-free, so a health check never waits for an admin operation.
     */
    public boolean serving() {
        return open && !byType.isEmpty();
    }

    /** Publishes new routes; the version moves after them, so a reader that sees it sees them. */
    private void publish(Map<String, Route> next) {
        byType = Map.copyOf(next);
        version.incrementAndGet();
    }

    // ---- admin operations ----------------------------------------------------------------------------

    /** Every plugin file found or installed, with its state; {@code plugins list}. */
    public synchronized List<PluginInfo> list() {
        List<PluginInfo> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            out.add(s.info());
        }
        return out;
    }

    /** One plugin by id. */
    public synchronized Optional<PluginInfo> plugin(String id) {
        return Optional.ofNullable(slotOf(id)).map(Slot::info);
    }

    /** Starts a stopped or failed plugin (a fresh handler instance and context); a refused one is re-checked from its file. */
    public synchronized PluginInfo start(String id) {
        Slot s = require(id);
        switch (s.state) {
            case STARTED -> {
                return s.info();
            }
            case REFUSED -> {
                return reload(id);
            }
            default -> {
                if (s.loadedId == null) {
                    return reload(id);
                }
                startLoaded(s);
                return s.info();
            }
        }
    }

    /** Stops a plugin: its types get UNKNOWN_TYPE from now on; it stays loaded and listed as stopped. */
    public synchronized PluginInfo stop(String id) {
        Slot s = require(id);
        if (s.state == PluginState.STARTED) {
            halt(s, PluginState.STOPPED, "stopped by an admin", true);
        }
        return s.info();
    }

    /**
     * Loads a plugin again from its file (verifying it again), e.g. after the file was replaced.
     * While it reloads its types answer BUSY, so a client that retries loses nothing.
     */
    public synchronized PluginInfo reload(String id) {
        Slot s = require(id);
        Set<String> held = s.types;
        Lane reloading = new Lane(id, "plugin " + id, config.laneLimits(), (lane, why) -> { });
        reloading.close("reloading");
        Route placeholder = new Route(reloading, new Reloading(id, held), false);
        Map<String, Route> next = new HashMap<>(byType);
        for (String t : held) {
            next.put(t, placeholder);
        }
        publish(next);
        if (s.state == PluginState.STARTED) {
            halt(s, PluginState.STOPPED, "reloading", false);
        }
        forget(s);
        Slot fresh = load(s.file, s.builtin, s.id);
        Map<String, Route> after = new HashMap<>(byType);
        after.values().removeIf(r -> r == placeholder);
        publish(after);
        return fresh.info();
    }

    /** Stops a plugin and forgets it until the next start of the gateway or {@link #rescan()}; its file stays. */
    public synchronized void unload(String id) {
        Slot s = require(id);
        if (s.state == PluginState.STARTED) {
            halt(s, PluginState.STOPPED, "unloaded", true);
        }
        forget(s);
        slots.remove(s.file);
        LOG.info("plugins: {} unloaded", id);
    }

    /** Loads plugin files that appeared in the plugin folders since the start; returns what it loaded. */
    public synchronized List<PluginInfo> rescan() {
        List<PluginInfo> found = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        if (config.bundled() != null) {
            files.addAll(pluginFiles(config.bundled()));
        }
        files.addAll(pluginFiles(config.installed()));
        for (Path f : files) {
            if (!slots.containsKey(f)) {
                found.add(load(f, config.bundled() != null && f.startsWith(config.bundled())).info());
            }
        }
        return found;
    }

    /**
     * Installs an uploaded plugin into {@code HOME/plugins} and loads it, replacing a plugin loaded
     * from a file of the same name. The signature is the content of its {@code .sig} file (null when
     * there is none). The file is written whatever the verdict, so that {@code plugins list} shows
     * why it was refused; a refused upload serves nothing.
     *
     * @throws IllegalArgumentException when the file name is not a plain {@code NAME.zip} or {@code NAME.jar}
     */
    public synchronized PluginInfo install(String fileName, byte[] plugin, byte[] signature) {
        if (fileName == null || !fileName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\.(zip|jar)")) {
            throw new IllegalArgumentException("plugin file name must be NAME.zip or NAME.jar with [A-Za-z0-9._-], got "
                    + fileName);
        }
        Path target = config.installed().resolve(fileName);
        Path sig = PluginSignatures.signatureFile(target);
        try {
            Files.createDirectories(config.installed());
            writeAtomically(target, plugin);
            if (signature != null) {
                writeAtomically(sig, signature);
            } else {
                Files.deleteIfExists(sig);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        Slot existing = slots.get(target);
        if (existing != null) {
            return reload(existing.id);
        }
        return load(target, false).info();
    }

    /** {@code plugins trust PUBLIC_KEY_FILE}; the key counts for the next load or reload. */
    public PluginSignatures.PublicKey trust(Path publicKeyFile) {
        return publishers.trust(publicKeyFile);
    }

    public TrustedPublishers publishers() {
        return publishers;
    }

    /** The counters of one plugin: its own and the host's ({@code host_calls}, {@code host_failures}, ...). */
    public synchronized Map<String, Long> metrics(String pluginId) {
        PluginCounters c = counters.get(pluginId);
        if (c == null) {
            return Map.of();
        }
        Slot s = slotOf(pluginId);
        return c.snapshot(s == null || s.lane == null ? Map.of() : s.lane.counters());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = false;
            for (Slot s : new ArrayList<>(slots.values())) {
                if (s.state == PluginState.STARTED) {
                    halt(s, PluginState.STOPPED, "gateway stopping", true);
                }
                forget(s);
            }
            publish(Map.of());
        }
        trips.shutdownNow();
        admin.shutdownNow();
        LOG.info("plugins: stopped");
    }

    // ---- loading ----------------------------------------------------------------------------------

    private Slot load(Path file, boolean builtin) {
        return load(file, builtin, null);
    }

    /**
     * Loads one plugin file. {@code knownAs} is the id its slot had before a reload (read from this
     * file when it was verified): a file refused before its descriptor is read keeps that name, so
     * that an admin can still address it; a file never read is named by its file name.
     */
    private Slot load(Path file, boolean builtin, String knownAs) {
        Slot s = new Slot(file, builtin);
        if (knownAs != null) {
            s.id = knownAs;
        }
        slots.put(file, s);
        Path dir = config.staging().resolve((++staged) + "-" + file.getFileName().toString().replaceAll("\\.(zip|jar)$", ""));
        Path copy = dir.resolve(file.getFileName());
        String signature;
        try {
            Files.createDirectories(dir);
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            Path sig = PluginSignatures.signatureFile(file);
            signature = Files.exists(sig) ? Files.readString(sig, StandardCharsets.US_ASCII) : null;
        } catch (IOException e) {
            return s.refuse("cannot read " + file + ": " + e.getMessage());
        }
        s.staged = dir;
        // The signature first: nothing inside an archive is parsed before its publisher is known.
        // the bundle's own keys count for the bundle's own plugins only
        PluginSignatures.Verdict verdict = PluginSignatures.verify(copy, signature, publishers.keysFor(builtin));
        if (!verdict.valid() && !config.allowUnsigned()) {
            LOG.warn("plugins: refused {}: {}", file, verdict.reason());
            return s.refuse(verdict.reason());
        }
        Properties descriptor;
        try {
            descriptor = descriptor(copy);
        } catch (IOException | RuntimeException e) {
            return s.refuse("not a plugin file: " + e.getMessage());
        }
        String id = descriptor.getProperty("plugin.id", "").trim();
        if (id.isEmpty()) {
            return s.refuse("not a plugin file: no plugin.id in its plugin.properties or manifest");
        }
        if (!validId(id)) {
            String shown = printable(id);
            LOG.warn("plugins: refused {}: plugin.id '{}' is not a valid id", file, shown);
            return s.refuse("plugin.id '" + shown + "' is not a valid id: " + ID_RULE);
        }
        s.id = id;
        s.version = descriptor.getProperty("plugin.version", "");
        s.provider = descriptor.getProperty("plugin.provider", "");
        if (verdict.valid()) {
            s.publisher = verdict.signer().fingerprint();
        } else {
            LOG.warn("plugins: LOADING UNVERIFIED plugin {} from {} because plugins.allow-unsigned is on: {}", s.id,
                    file, verdict.reason());
        }
        for (Slot other : slots.values()) {
            if (other != s && s.id.equals(other.id) && other.loadedId != null) {
                return s.refuse("plugin id " + s.id + " is already loaded from " + other.file);
            }
        }
        String requires = descriptor.getProperty("plugin.requires", "*").trim();
        if (!requires.isEmpty() && !requires.equals("*")
                && !pf4j.getVersionManager().checkVersionConstraint(Spi.VERSION, requires)) {
            String reason = "requires plugin SPI " + requires + " but this gateway provides " + Spi.VERSION;
            LOG.warn("plugins: refused {} from {}: {}", s.id, file, reason);
            return s.refuse(reason);
        }
        try {
            Path loadable = copy;
            if (copy.getFileName().toString().endsWith(".jar")) {
                loadable = jarAsFolder(copy, dir.resolve("expanded"), descriptor);
            }
            s.loadedId = pf4j.loadPlugin(loadable);
        } catch (RuntimeException | IOException e) {
            LOG.warn("plugins: cannot load {} from {}: {}", s.id, file, e.toString());
            return s.fail("cannot load: " + e.getMessage());
        }
        if (s.loadedId == null) {
            return s.fail("cannot load: PF4J could not read the plugin");
        }
        startLoaded(s);
        return s;
    }

    private void startLoaded(Slot s) {
        PluginWrapper wrapper = pf4j.getPlugin(s.loadedId);
        if (wrapper.getPluginState().isDisabled()) {
            s.fail("disabled by PF4J (incompatible plugin.requires?)");
            return;
        }
        try {
            if (!pf4j.startPlugin(s.loadedId).isStarted()) {
                Throwable why = wrapper.getFailedException();
                s.fail("PF4J could not start it" + (why == null ? "" : ": " + why));
                return;
            }
            List<Class<? extends MessageHandler>> classes = pf4j.getExtensionClasses(MessageHandler.class, s.loadedId);
            if (classes.isEmpty()) {
                pf4j.stopPlugin(s.loadedId);
                s.fail("no MessageHandler extension found (is META-INF/extensions.idx in the plugin?)");
                return;
            }
            PluginCounters c = counters.computeIfAbsent(s.id, PluginCounters::new);
            HostContext context = new HostContext(s.id, s.version, pluginConfig(s.id),
                    dataFolder(s.id), c, push);
            Files.createDirectories(context.dataFolder());
            List<MessageHandler> handlers;
            Map<MessageHandler, Boolean> nonBlocking;
            try {
                handlers = bounded(() -> instantiate(classes, context));
                // Plugin code too: asked once per start, on the admin thread, under the time limit.
                nonBlocking = bounded(() -> {
                    Map<MessageHandler, Boolean> out = new java.util.IdentityHashMap<>();
                    for (MessageHandler h : handlers) {
                        out.put(h, h.nonBlocking());
                    }
                    return out;
                });
            } catch (Exception e) {
                context.close();
                pf4j.stopPlugin(s.loadedId);
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                LOG.warn("plugins: {} failed to start: {}", s.id, String.valueOf(cause));
                s.fail("failed to start: " + cause);
                return;
            }
            Map<String, MessageHandler> ownTypes = new LinkedHashMap<>();
            for (MessageHandler h : handlers) {
                for (String t : h.types()) {
                    if (!TypeNames.isValid(t)) {
                        stopHandlers(s.id, handlers, context);
                        s.fail("type is not a token [A-Za-z0-9_.-]{1,32}: " + t);
                        return;
                    }
                    if (ownTypes.putIfAbsent(t, h) != null) {
                        stopHandlers(s.id, handlers, context);
                        s.fail("type " + t + " is claimed by two handlers of the plugin");
                        return;
                    }
                }
            }
            String conflict = claim(s, ownTypes.keySet());
            if (conflict != null) {
                stopHandlers(s.id, handlers, context);
                LOG.warn("plugins: refused {}: {}", s.id, conflict);
                s.refuse(conflict);
                return;
            }
            Lane lane = new Lane(s.id, "plugin " + s.id, config.laneLimits(), this::tripped);
            s.lane = lane;
            s.types = Set.copyOf(ownTypes.keySet());
            s.handlers = handlers;
            s.context = context;
            s.state = PluginState.STARTED;
            s.reason = "";
            Map<String, Route> next = new HashMap<>(byType);
            for (Map.Entry<String, MessageHandler> e : ownTypes.entrySet()) {
                next.put(e.getKey(), new Route(lane, e.getValue(), nonBlocking.get(e.getValue())));
            }
            publish(next);
            LOG.info("plugins: {} {} started from {}, serving {}{}{}", s.id, s.version, s.file, ownTypes.keySet(),
                    s.publisher.isEmpty() ? " (UNVERIFIED)" : ", signed by " + s.publisher,
                    nonBlocking.containsValue(true) ? "; non-blocking handlers run inline" : "");
        } catch (IOException | RuntimeException e) {
            LOG.warn("plugins: {} failed to start: {}", s.id, e.toString());
            s.fail("failed to start: " + e.getMessage());
        }
    }

    /** Null when {@code s} may serve {@code types}, else why not; displaces a started plugin when plugins.type-owners says so. */
    private String claim(Slot s, Set<String> types) {
        for (String t : types) {
            Route current = byType.get(t);
            if (current == null || current.lane().name().equals(s.id)) {
                continue;
            }
            String otherId = current.lane().name();
            Slot holder = slotOf(otherId);
            String owner = config.typeOwners().get(t);
            if (s.id.equals(owner) && holder != null) {
                halt(holder, PluginState.REFUSED, "type " + t + " belongs to plugin " + s.id + " (plugins.type-owners)", true);
                continue;
            }
            return "type " + t + " is claimed by both plugin " + otherId
                    + (holder == null ? "" : " (" + holder.file.getFileName() + ")") + " and plugin " + s.id + " ("
                    + s.file.getFileName() + "); set plugins.type-owners to choose";
        }
        return null;
    }

    private static List<MessageHandler> instantiate(List<Class<? extends MessageHandler>> classes, PluginContext context)
            throws ReflectiveOperationException {
        List<MessageHandler> out = new ArrayList<>();
        for (Class<? extends MessageHandler> c : classes) {
            MessageHandler h;
            try {
                h = c.getConstructor(PluginContext.class).newInstance(context);
            } catch (NoSuchMethodException e) {
                h = c.getConstructor().newInstance();
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause() instanceof Exception ex ? new ReflectiveOperationException(ex.getMessage(), ex) : e;
            }
            out.add(h);
        }
        return out;
    }

    /**
     * Takes a started plugin out of service. Its lane takes no call from now on (calls waiting get
     * BUSY); calls already running finish or meet their deadline, and the watchdog stops those that
     * still run past the time limit and a grace second.
     */
    private void halt(Slot s, PluginState state, String reason, boolean removeTypes) {
        Lane lane = s.lane;
        if (lane != null) {
            lane.close(reason);
            counters.computeIfAbsent(s.id, PluginCounters::new).absorb(lane.counters());
            if (removeTypes) {
                Map<String, Route> next = new HashMap<>(byType);
                next.values().removeIf(r -> r.lane() == lane);
                publish(next);
            }
        }
        stopHandlers(s.id, s.handlers, s.context);
        if (s.loadedId != null) {
            try {
                pf4j.stopPlugin(s.loadedId);
            } catch (RuntimeException e) {
                LOG.warn("plugins: PF4J could not stop {}: {}", s.id, e.toString());
            }
        }
        s.lane = null;
        s.types = Set.of();
        s.handlers = List.of();
        s.context = null;
        s.state = state;
        s.reason = state == PluginState.STOPPED ? "" : reason;
        LOG.info("plugins: {} {}: {}", s.id, state.name().toLowerCase(java.util.Locale.ROOT), reason);
    }

    private void stopHandlers(String id, List<MessageHandler> handlers, HostContext context) {
        for (MessageHandler h : handlers) {
            try {
                bounded(() -> {
                    h.stop();
                    return null;
                });
            } catch (Exception e) {
                LOG.warn("plugins: {} did not stop cleanly: {}", id, String.valueOf(
                        e instanceof ExecutionException ? e.getCause() : e));
            }
        }
        if (context != null) {
            context.close();
        }
    }

    /** Unloads a slot's plugin from PF4J and deletes its staged copy; the slot stays listed. */
    private void forget(Slot s) {
        if (s.loadedId != null) {
            try {
                pf4j.unloadPlugin(s.loadedId);
            } catch (RuntimeException e) {
                LOG.warn("plugins: PF4J could not unload {}: {}", s.id, e.toString());
            }
            s.loadedId = null;
        }
        if (s.staged != null) {
            try {
                deleteTree(s.staged);
            } catch (IOException e) {
                LOG.debug("plugins: cannot delete {}: {}", s.staged, e.toString());
            }
        }
    }

    /**
     * Called by a lane whose breaker opened or whose calls misbehave, on whichever thread saw it. The
     * plugin is stopped as failed on the {@code egw-plugin-trips} thread, never on the router.
     */
    private void tripped(Lane lane, String reason) {
        trips.execute(() -> {
            synchronized (this) {
                Slot s = slotOf(lane.name());
                if (s != null && s.lane == lane) {
                    halt(s, PluginState.FAILED, reason, true);
                }
            }
        });
    }

    private <T> T bounded(Callable<T> task) throws Exception {
        Future<T> f = admin.submit(task);
        try {
            return f.get(Math.max(5_000, config.callTimeout().toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new TimeoutException("plugin code did not return in time");
        }
    }

    /** {@code HOME/data/plugins/<id>}; the id is valid, so the folder is a child of the data root. */
    private Path dataFolder(String id) {
        Path folder = config.dataRoot().resolve(id).normalize();
        if (!folder.getParent().equals(config.dataRoot().normalize())) {
            throw new IllegalStateException("plugin data folder " + folder + " is not inside " + config.dataRoot());
        }
        return folder;
    }

    /** What a plugin id may be: {@value #ID_RULE}. */
    static final String ID_RULE = "1 to 128 characters of A-Z a-z 0-9 . _ -, starting with a letter or a digit";
    private static final java.util.regex.Pattern ID =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * Whether {@code id} may name a plugin (the rule of the REST API's plugin paths): no separator, no
     * {@code .} or {@code ..} (it starts with a letter or a digit), short enough for a file name.
     */
    public static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** An untrusted id for a log line or a refusal: at most 80 characters, control characters as '?'. */
    private static String printable(String id) {
        String cut = id.length() > 80 ? id.substring(0, 80) + "..." : id;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }

    /** The built-in plugins whose data earlier versions kept in {@code HOME/data/<id>}. */
    static final List<String> BUILTIN_IDS = List.of("json", "binary", "string");

    /**
     * Moves {@code legacyRoot/<id>} of each built-in plugin to {@code dataRoot/<id>}, once: after the
     * move the old folder is gone, and when both exist the old one is left alone with a warning.
     */
    static void moveLegacyData(Path legacyRoot, Path dataRoot) throws IOException {
        for (String id : BUILTIN_IDS) {
            Path old = legacyRoot.resolve(id);
            Path target = dataRoot.resolve(id);
            if (!Files.isDirectory(old, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                LOG.warn("plugins: both {} and {} exist; plugin {} uses {}; move what {} holds there by hand", old,
                        target, id, target, old);
                continue;
            }
            Files.createDirectories(dataRoot);
            Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("plugins: moved the data of built-in plugin {} from {} to {}: plugin data now lives in {}", id,
                    old, target, dataRoot);
        }
    }

    private Map<String, String> pluginConfig(String id) throws IOException {
        Path file = config.configFolder().resolve(id + ".properties");
        Map<String, String> out = new LinkedHashMap<>();
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            for (String k : p.stringPropertyNames()) {
                out.put(k, p.getProperty(k).trim());
            }
        }
        return out;
    }

    // ---- plugin files -------------------------------------------------------------------------------

    private static List<Path> pluginFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{zip,jar}")) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    out.add(f.toAbsolutePath().normalize());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("plugins: cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** The plugin.properties of a zip, or of a jar (else its manifest's Plugin-* attributes). */
    static Properties descriptor(Path file) throws IOException {
        Properties p = new Properties();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry("plugin.properties");
            if (e != null) {
                try (InputStream in = zip.getInputStream(e)) {
                    p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                }
                return p;
            }
        }
        if (file.getFileName().toString().endsWith(".jar")) {
            try (JarFile jar = new JarFile(file.toFile())) {
                Manifest m = jar.getManifest();
                if (m != null) {
                    Attributes a = m.getMainAttributes();
                    put(p, "plugin.id", a.getValue("Plugin-Id"));
                    put(p, "plugin.version", a.getValue("Plugin-Version"));
                    put(p, "plugin.provider", a.getValue("Plugin-Provider"));
                    put(p, "plugin.requires", a.getValue("Plugin-Requires"));
                    put(p, "plugin.description", a.getValue("Plugin-Description"));
                    put(p, "plugin.class", a.getValue("Plugin-Class"));
                    put(p, "plugin.dependencies", a.getValue("Plugin-Dependencies"));
                    put(p, "plugin.license", a.getValue("Plugin-License"));
                }
            }
            return p;
        }
        throw new IOException(file.getFileName() + " has no plugin.properties");
    }

    private static void put(Properties p, String key, String value) {
        if (value != null) {
            p.setProperty(key, value);
        }
    }

    /** A plugin jar as a PF4J plugin folder: {@code plugin.properties} and {@code lib/<the jar>}. */
    private static Path jarAsFolder(Path jar, Path folder, Properties descriptor) throws IOException {
        Files.createDirectories(folder.resolve("lib"));
        Files.copy(jar, folder.resolve("lib").resolve(jar.getFileName()));
        try (var out = Files.newBufferedWriter(folder.resolve("plugin.properties"), StandardCharsets.UTF_8)) {
            descriptor.store(out, null);
        }
        return folder;
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Slot require(String id) {
        Slot s = slotOf(id);
        if (s == null) {
            throw new IllegalArgumentException("no plugin with id " + id);
        }
        return s;
    }

    private Slot slotOf(String id) {
        Slot found = null;
        for (Slot s : slots.values()) {
            if (s.id.equals(id)) {
                if (s.loadedId != null) {
                    return s;
                }
                found = found == null ? s : found;
            }
        }
        return found;
    }

    /** One plugin file and what became of it. Guarded by the host's lock. */
    private static final class Slot {
        final Path file;
        final boolean builtin;
        String id;
        String version = "";
        String provider = "";
        String publisher = "";
        String loadedId;
        Path staged;
        PluginState state = PluginState.REFUSED;
        String reason = "";
        Lane lane;
        Set<String> types = Set.of();
        List<MessageHandler> handlers = List.of();
        HostContext context;

        Slot(Path file, boolean builtin) {
            this.file = file;
            this.builtin = builtin;
            this.id = file.getFileName().toString();
        }

        Slot refuse(String why) {
            state = PluginState.REFUSED;
            reason = why;
            return this;
        }

        Slot fail(String why) {
            state = PluginState.FAILED;
            reason = why;
            return this;
        }

        PluginInfo info() {
            return new PluginInfo(id, version, provider, file, builtin, new LinkedHashSet<>(types), state, reason,
                    publisher);
        }
    }

    /** Answers BUSY for the types of a plugin that is reloading. */
    private record Reloading(String pluginId, Set<String> types) implements MessageHandler {
        @Override
        public HandlerResult handle(HandlerMessage message) {
            return HandlerResult.busy("plugin " + pluginId + " is reloading, retry later");
        }
    }
}
