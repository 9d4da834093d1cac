package org.edgegateway.core.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.router.Lane;
import org.edgegateway.core.router.Route;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.plugin.api.PluginContext;
import org.edgegateway.plugin.api.Spi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's plugins: loads the verified ones with PF4J, serves their types to the router, and
 * starts, stops, reloads, installs and unloads them while the gateway runs. Thread-safe.
 *
 * <p>The host composes one part per concern and keeps the list of plugin files ({@link PluginSlot}s):
 * {@link PluginStaging} verifies and stages a file, {@link PluginLifecycle} starts and stops it in
 * PF4J, {@link TypeRegistry} publishes its types to the router, {@link PluginTrips} carries a trip of
 * its lane off the thread that saw it, and {@link PluginFiles} lists, installs and prepares the files
 * and folders.
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
    private final TrustedPublishers publishers;
    private final PluginLifecycle lifecycle;
    private final PluginStaging staging;
    private final TypeRegistry registry;
    private final PluginTrips trips;
    private final Map<Path, PluginSlot> slots = new LinkedHashMap<>();
    private boolean closed;
    private volatile boolean open = true;

    private PluginHost(PluginHostConfig config, ClientPush push) {
        this.config = config;
        this.publishers = new TrustedPublishers(config.publishers(), config.bundlePublishers());
        this.lifecycle = new PluginLifecycle(config, push);
        this.staging = new PluginStaging(config.staging(), publishers, config.allowUnsigned(), lifecycle.versions());
        this.registry = new TypeRegistry(config.typeOwners());
        this.trips = new PluginTrips(this::stopTripped);
    }

    /**
     * Loads and starts every plugin of the bundle's folder, then of {@code HOME/plugins}, each folder
     * in file-name order. A plugin that cannot be loaded is listed as refused or failed; only a
     * folder that cannot be created or read fails the start.
     */
    public static PluginHost start(PluginHostConfig config, ClientPush push) {
        PluginHost host = new PluginHost(config, push);
        try {
            PluginFiles.prepare(config);
        } catch (IOException e) {
            host.close();
            throw new UncheckedIOException("plugins: cannot prepare folders: " + e.getMessage(), e);
        }
        synchronized (host) {
            if (config.bundled() != null) {
                for (Path f : PluginFiles.list(config.bundled())) {
                    host.load(f, true);
                }
            }
            for (Path f : PluginFiles.list(config.installed())) {
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
        return registry.route(type);
    }

    @Override
    public Set<String> types() {
        return registry.types();
    }

    @Override
    public long version() {
        return registry.version();
    }

    /**
     * Whether the host runs and serves at least one type: the readiness of the plugins for
     * {@code /health}. Lock-free, so a health check never waits for an admin operation.
     */
    public boolean serving() {
        return open && !registry.isEmpty();
    }

    // ---- admin operations ----------------------------------------------------------------------------

    /** Every plugin file found or installed, with its state; {@code plugins list}. */
    public synchronized List<PluginInfo> list() {
        List<PluginInfo> out = new ArrayList<>();
        for (PluginSlot s : slots.values()) {
            out.add(s.info());
        }
        return out;
    }

    /** One plugin by id. */
    public synchronized Optional<PluginInfo> plugin(String id) {
        return Optional.ofNullable(slotOf(id)).map(PluginSlot::info);
    }

    /** Starts a stopped or failed plugin (a fresh handler instance and context); a refused one is re-checked from its file. */
    public synchronized PluginInfo start(String id) {
        PluginSlot s = require(id);
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
        PluginSlot s = require(id);
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
        PluginSlot s = require(id);
        Route placeholder = registry.holdForReload(id, s.types, config.laneLimits());
        if (s.state == PluginState.STARTED) {
            halt(s, PluginState.STOPPED, "reloading", false);
        }
        lifecycle.unload(s);
        PluginSlot fresh = load(s.file, s.builtin, s.id);
        registry.release(placeholder);
        return fresh.info();
    }

    /** Stops a plugin and forgets it until the next start of the gateway or {@link #rescan()}; its file stays. */
    public synchronized void unload(String id) {
        PluginSlot s = require(id);
        if (s.state == PluginState.STARTED) {
            halt(s, PluginState.STOPPED, "unloaded", true);
        }
        lifecycle.unload(s);
        slots.remove(s.file);
        LOG.info("plugins: {} unloaded", id);
    }

    /** Loads plugin files that appeared in the plugin folders since the start; returns what it loaded. */
    public synchronized List<PluginInfo> rescan() {
        List<PluginInfo> found = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        if (config.bundled() != null) {
            files.addAll(PluginFiles.list(config.bundled()));
        }
        files.addAll(PluginFiles.list(config.installed()));
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
        Path target = PluginFiles.install(config.installed(), fileName, plugin, signature);
        PluginSlot existing = slots.get(target);
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
        PluginCounters c = lifecycle.countersIfStarted(pluginId);
        if (c == null) {
            return Map.of();
        }
        PluginSlot s = slotOf(pluginId);
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
            for (PluginSlot s : new ArrayList<>(slots.values())) {
                if (s.state == PluginState.STARTED) {
                    halt(s, PluginState.STOPPED, "gateway stopping", true);
                }
                lifecycle.unload(s);
            }
            registry.clear();
        }
        trips.close();
        lifecycle.close();
        LOG.info("plugins: stopped");
    }

    /**
     * Whether {@code id} may name a plugin (the rule of the REST API's plugin paths): no separator, no
     * {@code .} or {@code ..} (it starts with a letter or a digit), short enough for a file name.
     */
    public static boolean validId(String id) {
        return PluginStaging.validId(id);
    }

    // ---- loading and stopping -----------------------------------------------------------------------

    private PluginSlot load(Path file, boolean builtin) {
        return load(file, builtin, null);
    }

    /**
     * Loads one plugin file. {@code knownAs} is the id its slot had before a reload (read from this
     * file when it was verified): a file refused before its descriptor is read keeps that name, so
     * that an admin can still address it; a file never read is named by its file name.
     */
    private PluginSlot load(Path file, boolean builtin, String knownAs) {
        PluginSlot s = new PluginSlot(file, builtin);
        if (knownAs != null) {
            s.id = knownAs;
        }
        slots.put(file, s);
        Path loadable = staging.stage(s, this::loadedFrom);
        if (loadable != null && lifecycle.load(s, loadable)) {
            startLoaded(s);
        }
        return s;
    }

    /** The file a plugin of {@code id} is loaded from, or null. */
    private Path loadedFrom(String id) {
        for (PluginSlot other : slots.values()) {
            if (id.equals(other.id) && other.loadedId != null) {
                return other.file;
            }
        }
        return null;
    }

    private void startLoaded(PluginSlot s) {
        try {
            PluginLifecycle.Started started = lifecycle.start(s);
            if (started == null) {
                return;
            }
            Map<String, MessageHandler> ownTypes = started.types();
            String conflict = registry.claim(s, ownTypes.keySet(), this::slotOf,
                    (holder, why) -> halt(holder, PluginState.REFUSED, why, true));
            if (conflict != null) {
                lifecycle.stopHandlers(s.id, started.handlers(), started.context());
                LOG.warn("plugins: refused {}: {}", s.id, conflict);
                s.refuse(conflict);
                return;
            }
            Lane lane = new Lane(s.id, "plugin " + s.id, config.laneLimits(), trips);
            s.lane = lane;
            s.types = Set.copyOf(ownTypes.keySet());
            s.handlers = started.handlers();
            s.context = started.context();
            s.state = PluginState.STARTED;
            s.reason = "";
            registry.add(lane, ownTypes, started.nonBlocking());
            LOG.info("plugins: {} {} started from {}, serving {}{}{}", s.id, s.version, s.file, ownTypes.keySet(),
                    s.publisher.isEmpty() ? " (UNVERIFIED)" : ", signed by " + s.publisher,
                    started.nonBlocking().containsValue(true) ? "; non-blocking handlers run inline" : "");
        } catch (IOException | RuntimeException e) {
            LOG.warn("plugins: {} failed to start: {}", s.id, e.toString());
            s.fail("failed to start: " + e.getMessage());
        }
    }

    /**
     * Takes a started plugin out of service. Its lane takes no call from now on (calls waiting get
     * BUSY); calls already running finish or meet their deadline, and the watchdog stops those that
     * still run past the time limit and a grace second.
     */
    private void halt(PluginSlot s, PluginState state, String reason, boolean removeTypes) {
        Lane lane = s.lane;
        if (lane != null) {
            lane.close(reason);
            lifecycle.counters(s.id).absorb(lane.counters());
            if (removeTypes) {
                registry.remove(lane);
            }
        }
        lifecycle.stop(s);
        s.lane = null;
        s.types = Set.of();
        s.handlers = List.of();
        s.context = null;
        s.state = state;
        s.reason = state == PluginState.STOPPED ? "" : reason;
        LOG.info("plugins: {} {}: {}", s.id, state.name().toLowerCase(Locale.ROOT), reason);
    }

    /** A lane tripped: on {@code egw-plugin-trips}, its plugin is stopped as failed if the lane still serves it. */
    private synchronized void stopTripped(Lane lane, String reason) {
        PluginSlot s = slotOf(lane.name());
        if (s != null && s.lane == lane) {
            halt(s, PluginState.FAILED, reason, true);
        }
    }

    private PluginSlot require(String id) {
        PluginSlot s = slotOf(id);
        if (s == null) {
            throw new IllegalArgumentException("no plugin with id " + id);
        }
        return s;
    }

    private PluginSlot slotOf(String id) {
        PluginSlot found = null;
        for (PluginSlot s : slots.values()) {
            if (s.id.equals(id)) {
                if (s.loadedId != null) {
                    return s;
                }
                found = found == null ? s : found;
            }
        }
        return found;
    }
}
