package org.edgegateway.dist.crash;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * CRASH, packed as a plugin by the tests: fails with an exception that cannot be described, and the
 * router describes a handler's failure on its own thread when it answers; the Error that escapes
 * ends the router's loop.
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
