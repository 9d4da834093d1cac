package org.edgegateway.core.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.edgegateway.plugin.api.PluginContext;
import org.edgegateway.plugin.api.PluginMetrics;
import org.edgegateway.protocol.TypeNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The context of one start of one plugin. Thread-safe. */
final class HostContext implements PluginContext {
    private static final int MAX_FOLDER_NAME = 64;

    private final String pluginId;
    private final String version;
    private final Map<String, String> config;
    private final Path dataFolder;
    private final Logger logger;
    private final PluginCounters metrics;
    private final ScheduledExecutorService scheduler;
    private final ClientPush push;
    private volatile boolean closed;

    HostContext(String pluginId, String version, Map<String, String> config, Path dataFolder, PluginCounters metrics,
                ClientPush push) {
        this.pluginId = pluginId;
        this.version = version;
        this.config = Map.copyOf(config);
        this.dataFolder = dataFolder;
        this.logger = LoggerFactory.getLogger("plugin." + pluginId);
        this.metrics = metrics;
        this.push = push;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "egw-plugin-" + pluginId + "-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String pluginId() {
        return pluginId;
    }

    @Override
    public String pluginVersion() {
        return version;
    }

    @Override
    public Map<String, String> config() {
        return config;
    }

    @Override
    public Path dataFolder() {
        return dataFolder;
    }

    @Override
    public Path clientFolder(String clientName) {
        Path folder = dataFolder.resolve(safeName(clientName));
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("plugin " + pluginId + ": cannot create " + folder + ": " + e.getMessage(), e);
        }
        return folder;
    }

    /**
     * A file name for a client name: unchanged when it is already a short token and not all dots;
     * otherwise the unsafe characters become {@code _} and a hash of the original name is appended,
     * so that different names never meet in one folder.
     */
    static String safeName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("client name is empty");
        }
        boolean token = name.length() <= MAX_FOLDER_NAME && name.matches("[A-Za-z0-9_.-]+") && !name.matches("\\.+");
        if (token) {
            return name;
        }
        String cleaned = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (cleaned.length() > MAX_FOLDER_NAME - 17) {
            cleaned = cleaned.substring(0, MAX_FOLDER_NAME - 17);
        }
        if (cleaned.startsWith(".")) {
            cleaned = "_" + cleaned.substring(1);
        }
        return cleaned + "-" + hash(name);
    }

    private static String hash(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public PluginMetrics metrics() {
        return metrics;
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public CompletionStage<Boolean> push(String clientName, String type, byte[] payload) {
        TypeNames.requireValid(type);
        if (closed || clientName == null) {
            return CompletableFuture.completedFuture(false);
        }
        try {
            return push.push(clientName, type, payload == null ? new byte[0] : payload.clone())
                    .exceptionally(e -> false);
        } catch (RuntimeException e) {
            logger.debug("push to {} failed: {}", clientName, e.toString());
            return CompletableFuture.completedFuture(false);
        }
    }

    /** Ends this start of the plugin: pushes are refused and the scheduler is stopped. */
    void close() {
        closed = true;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
