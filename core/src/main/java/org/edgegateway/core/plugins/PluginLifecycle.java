package org.edgegateway.core.plugins;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.plugin.api.PluginContext;
import org.edgegateway.protocol.TypeNames;
import org.pf4j.PluginWrapper;
import org.pf4j.VersionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of PF4J plugins: loads a staged plugin, starts it (its {@link MessageHandler}
 * extensions built once with their {@link PluginContext}, their types checked), stops and unloads
 * it. Owns the {@code egw-plugin-admin} thread, on which plugin code of a start or stop runs under a
 * time limit, and each plugin's counters. Not thread-safe: used under the {@link PluginHost}'s lock.
 */
final class PluginLifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final PluginHostConfig config;
    private final ClientPush push;
    private final GatewayPluginManager pf4j;
    private final ExecutorService admin;
    private final Map<String, PluginCounters> counters = new HashMap<>();

    /** A started plugin's handlers, their context, the handler of each type and which handlers run inline. */
    record Started(List<MessageHandler> handlers, HostContext context, Map<String, MessageHandler> types,
                   Map<MessageHandler, Boolean> nonBlocking) {
    }

    PluginLifecycle(PluginHostConfig config, ClientPush push) {
        this.config = config;
        this.push = push;
        this.pf4j = new GatewayPluginManager(config.staging());
        this.admin = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "egw-plugin-admin");
            t.setDaemon(true);
            return t;
        });
    }

    /** How PF4J compares versions, for {@code plugin.requires}. */
    VersionManager versions() {
        return pf4j.getVersionManager();
    }

    /** Hands a staged plugin to PF4J; false when it could not load it, and then {@code s} says why. */
    boolean load(PluginSlot s, Path loadable) {
        try {
            s.loadedId = pf4j.loadPlugin(loadable);
        } catch (RuntimeException e) {
            LOG.warn("plugins: cannot load {} from {}: {}", s.id, s.file, e.toString());
            s.fail("cannot load: " + e.getMessage());
            return false;
        }
        if (s.loadedId == null) {
            s.fail("cannot load: PF4J could not read the plugin");
            return false;
        }
        return true;
    }

    /**
     * Starts a loaded plugin and builds its handlers. Returns them, or null when it cannot serve;
     * then {@code s} says why and nothing of it runs.
     */
    Started start(PluginSlot s) throws IOException {
        PluginWrapper wrapper = pf4j.getPlugin(s.loadedId);
        if (wrapper.getPluginState().isDisabled()) {
            s.fail("disabled by PF4J (incompatible plugin.requires?)");
            return null;
        }
        if (!pf4j.startPlugin(s.loadedId).isStarted()) {
            Throwable why = wrapper.getFailedException();
            s.fail("PF4J could not start it" + (why == null ? "" : ": " + why));
            return null;
        }
        List<Class<? extends MessageHandler>> classes = pf4j.getExtensionClasses(MessageHandler.class, s.loadedId);
        if (classes.isEmpty()) {
            pf4j.stopPlugin(s.loadedId);
            s.fail("no MessageHandler extension found (is META-INF/extensions.idx in the plugin?)");
            return null;
        }
        PluginCounters c = counters(s.id);
        HostContext context = new HostContext(s.id, s.version, pluginConfig(s.id), dataFolder(s.id), c, push);
        Files.createDirectories(context.dataFolder());
        List<MessageHandler> handlers;
        Map<MessageHandler, Boolean> nonBlocking;
        try {
            handlers = bounded(() -> instantiate(classes, context));
            // Plugin code too: asked once per start, on the admin thread, under the time limit.
            nonBlocking = bounded(() -> {
                Map<MessageHandler, Boolean> out = new IdentityHashMap<>();
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
            return null;
        }
        Map<String, MessageHandler> ownTypes = new LinkedHashMap<>();
        for (MessageHandler h : handlers) {
            for (String t : h.types()) {
                if (!TypeNames.isValid(t)) {
                    stopHandlers(s.id, handlers, context);
                    s.fail("type is not a token [A-Za-z0-9_.-]{1,32}: " + t);
                    return null;
                }
                if (ownTypes.putIfAbsent(t, h) != null) {
                    stopHandlers(s.id, handlers, context);
                    s.fail("type " + t + " is claimed by two handlers of the plugin");
                    return null;
                }
            }
        }
        return new Started(handlers, context, ownTypes, nonBlocking);
    }

    /** Stops the handlers of a started plugin and the plugin in PF4J; it stays loaded. */
    void stop(PluginSlot s) {
        stopHandlers(s.id, s.handlers, s.context);
        if (s.loadedId != null) {
            try {
                pf4j.stopPlugin(s.loadedId);
            } catch (RuntimeException e) {
                LOG.warn("plugins: PF4J could not stop {}: {}", s.id, e.toString());
            }
        }
    }

    /** Stops handlers that will not serve (each under the time limit), then closes their context. */
    void stopHandlers(String id, List<MessageHandler> handlers, HostContext context) {
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
    void unload(PluginSlot s) {
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
                PluginFiles.deleteTree(s.staged);
            } catch (IOException e) {
                LOG.debug("plugins: cannot delete {}: {}", s.staged, e.toString());
            }
        }
    }

    /** The counters of plugin {@code id}, made at its first start and kept across its restarts. */
    PluginCounters counters(String id) {
        return counters.computeIfAbsent(id, PluginCounters::new);
    }

    /** The counters of plugin {@code id}, or null when it never started. */
    PluginCounters countersIfStarted(String id) {
        return counters.get(id);
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
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception ex ? new ReflectiveOperationException(ex.getMessage(), ex) : e;
            }
            out.add(h);
        }
        return out;
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

    @Override
    public void close() {
        admin.shutdownNow();
    }
}
