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
 * {@code HANDLER_FAILED} when it is exceeded (the call's thread is interrupted, and the call goes on
 * occupying one of the plugin's threads until it returns).</li>
 * <li>Calls of one client for one type run one after the other, in the order they arrived; calls of
 * different clients, and of different types, may run at the same time.</li>
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
     * Whether {@link #handle} never blocks: it only computes (validates, parses, counts) in a few
     * microseconds, with no I/O, no lock another thread may hold for long, no sleep and no wait. The
     * gateway then calls it on its message thread, as it reads the message, which saves two thread
     * hand-offs per message; otherwise each call is handed to one of the plugin's own threads and
     * the answer handed back.
     *
     * <p>The gateway holds a handler to its word: a call that keeps the message thread longer than
     * {@code plugins.inline-budget} (50 ms by default) is moved off it (the client still gets its
     * answer), and the plugin's calls run on its own threads until it is started again. A handler that
     * writes files, talks to a database or to the network must return false. The default is false;
     * added in SPI 1.2.0.
     */
    default boolean nonBlocking() {
        return false;
    }

    /**
     * Releases what the handler holds (open files, buffers to flush). Called once, on a gateway
     * thread, when the plugin stops; must return within a few seconds. The default does nothing.
     */
    default void stop() throws Exception {
    }
}
