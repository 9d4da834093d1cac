package org.edgegateway.core.plugins.testplugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** SLEEP: never returns, and swallows interruption. */
public final class SleepingHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("SLEEP");
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
