package org.edgegateway.bench.plugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * SLOW, for the isolation block of the side-by-side benchmark: sleeps 200 ms per call, then ACKs.
 * Stateless; runs on whichever gateway worker thread calls it. Packed into a plugin zip by
 * {@link org.edgegateway.bench.BenchPlugins}, never loaded from the bench jar itself.
 */
public final class SlowHandler implements MessageHandler {
    static final long SLEEP_MILLIS = 200;

    @Override
    public Set<String> types() {
        return Set.of("SLOW");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) throws InterruptedException {
        Thread.sleep(SLEEP_MILLIS);
        return HandlerResult.ack("slept " + SLEEP_MILLIS + " ms");
    }
}
