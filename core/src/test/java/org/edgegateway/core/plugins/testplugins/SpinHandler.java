package org.edgegateway.core.plugins.testplugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** SPIN: declares itself non-blocking, then never returns (ignoring interruption). */
public final class SpinHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("SPIN");
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // hostile: carries on
            }
        }
    }
}
