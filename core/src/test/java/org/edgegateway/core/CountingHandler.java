package org.edgegateway.core;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** COUNT: acknowledges with how many messages it has processed. Thread-safe. */
final class CountingHandler implements MessageHandler {
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public Set<String> types() {
        return Set.of("COUNT");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        return HandlerResult.ack("count " + calls.incrementAndGet());
    }

    int calls() {
        return calls.get();
    }
}
