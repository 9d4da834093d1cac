package org.edgegateway.plugin.api;

import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * The extension point of the gateway: handles the messages of one or more types.
 *
 * <p>Obligations of an implementation:
 * <ul>
 * <li>{@link #types()} is constant for the life of the instance; each name is an ASCII token of
 * 1-32 characters {@code [A-Za-z0-9_.-]}. A type may be owned by one handler only.</li>
 * <li>{@link #handle(HandlerMessage)} may be called concurrently from several gateway worker threads;
 * an implementation must be thread-safe.</li>
 * <li>It returns promptly: the gateway enforces a time limit per call and answers the client with
 * {@code HANDLER_FAILED} when it is exceeded, while the call itself goes on occupying a worker.</li>
 * <li>Throwing is allowed and answered as {@code HANDLER_FAILED}; the exception text never reaches
 * the client, so it may name internals. Refusing bad input is not a failure: return
 * {@link HandlerResult#badPayload(String)}.</li>
 * <li>It is built once per start of its plugin, with the plugin's {@link PluginContext} when it has
 * a public constructor taking one, and kept: the gateway never builds an instance per message.</li>
 * <li>{@link #stop()} is called once when the plugin stops, reloads or is unloaded, after the
 * gateway has stopped routing messages to it; calls already running may still be finishing.</li>
 * </ul>
 *
 * <p>A plugin announces its handlers with PF4J's {@code @Extension} annotation; the annotation
 * processor in the {@code pf4j} artifact writes {@code META-INF/extensions.idx}, without which the
 * gateway finds no handler in the plugin.
 */
public interface MessageHandler extends ExtensionPoint {

    /** The message types this handler owns. */
    Set<String> types();

    /** Handles one message from an authenticated client. */
    HandlerResult handle(HandlerMessage message) throws Exception;

    /**
     * Releases what the handler holds (open files, buffers to flush). Called once, on a gateway
     * thread, when the plugin stops; must return within a few seconds. The default does nothing.
     */
    default void stop() throws Exception {
    }
}
