package org.edgegateway.core.testing;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * CRASH: fails with an exception that cannot be described. The router describes a handler's failure
 * on its own thread when it answers, so the Error that escapes ends the router's loop: plugin code
 * that kills an owner thread, for the tests of what a dead owner thread does. Used as a handler and,
 * packed by {@link PluginZips}, as a plugin.
 */
public final class CrashHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("CRASH");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        throw new Unprintable();
    }

    /** An exception whose {@code toString} fails with an Error. */
    static final class Unprintable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String toString() {
            throw new AssertionError("this failure cannot be described");
        }
    }
}
