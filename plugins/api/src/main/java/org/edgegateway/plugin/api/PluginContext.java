package org.edgegateway.plugin.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;

/**
 * What the gateway lends one plugin: its own configuration and data folder, a logger, metrics, a
 * scheduler and a way to push a message to a connected client. Thread-safe: every method may be
 * called from any thread, including the worker threads that run {@link MessageHandler#handle}.
 *
 * <p>How a plugin gets it: a {@link MessageHandler} extension that declares a public constructor
 * taking one {@code PluginContext} is built with it; otherwise its public no-argument constructor is
 * used. The gateway builds each extension once per start of the plugin and keeps that instance, so a
 * handler may hold state in fields (it must still be thread-safe, see {@link MessageHandler}).
 *
 * <p>What a plugin may rely on, and what it must not do:
 * <ul>
 * <li>The context belongs to one start of the plugin. After {@link MessageHandler#stop()} returns,
 * its scheduler is shut down and {@link #push} completes with {@code false}; keep nothing from it
 * across a restart.</li>
 * <li>The gateway gives no sandbox: a plugin runs with the gateway's permissions. Use
 * {@link #dataFolder()} for files and {@link #scheduler()} for background work, never threads of
 * your own: the gateway cannot stop threads it does not own, and a plugin whose threads outlive
 * {@code stop()} keeps its class loader (and the old version of its code) alive.</li>
 * <li>Client names come from the administrator, not from the network, and the key store accepts
 * only {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}} today; a plugin that builds a path from one still
 * goes through {@link #clientFolder(String)} rather than rely on that rule staying as it is.</li>
 * </ul>
 */
public interface PluginContext {

    /** The plugin's id, as in its {@code plugin.id}. */
    String pluginId();

    /** The plugin's version, as in its {@code plugin.version}. */
    String pluginVersion();

    /**
     * The plugin's own settings: the keys of {@code HOME/conf/plugins/<plugin id>.properties}, read
     * once per start. Unmodifiable; empty when the file does not exist. The gateway does not
     * interpret them: a plugin validates its settings when it starts and throws with a message
     * naming the key at fault, which leaves the plugin shown as failed with that message.
     */
    Map<String, String> config();

    /**
     * A folder that belongs to this plugin only, {@code HOME/data/plugins/<plugin id>}; it exists and is
     * writable by the gateway when the plugin starts, and survives restarts, reloads and upgrades.
     */
    Path dataFolder();

    /**
     * The folder of one client inside {@link #dataFolder()}, created if missing. The client name is
     * made safe for a path first: characters outside {@code [A-Za-z0-9_.-]} become {@code _}, names
     * made only of dots are prefixed, long names are cut and suffixed with a hash so that two names
     * never share a folder. Use this instead of {@code dataFolder().resolve(clientName)}, which lets a
     * name such as {@code ../../keys} escape the data folder.
     *
     * @throws java.io.UncheckedIOException when the folder cannot be created
     */
    Path clientFolder(String clientName);

    /** A logger named after the plugin; the gateway's logging configuration decides where it goes. */
    Logger logger();

    /** Counters the gateway publishes with its own metrics, labelled with the plugin id. */
    PluginMetrics metrics();

    /**
     * A single-thread scheduler that the gateway owns and shuts down when the plugin stops. Long or
     * periodic work of the plugin (flushing, rotation, polling) belongs here, never on the thread
     * that runs {@link MessageHandler#handle}.
     */
    ScheduledExecutorService scheduler();

    /**
     * Sends {@code [EGW/1, "", type, payload]} to the connected client with this enrolled name,
     * without waiting. Completes with {@code true} once the message is queued for the client and
     * with {@code false} when the client is not connected, its queue is full or the plugin is
     * stopped; it never completes exceptionally for those. Delivery is not acknowledged by the
     * client: a push is a notification, not a request.
     *
     * @throws IllegalArgumentException when {@code type} is not a token {@code [A-Za-z0-9_.-]{1,32}}
     */
    CompletionStage<Boolean> push(String clientName, String type, byte[] payload);
}
