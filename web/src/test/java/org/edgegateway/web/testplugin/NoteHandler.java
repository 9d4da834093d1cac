package org.edgegateway.web.testplugin;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.plugin.api.PluginContext;

/** NOTE: acknowledges with its plugin's version and the payload's size; the plugin the web tests upload. Thread-safe. */
public final class NoteHandler implements MessageHandler {
    private final String version;

    public NoteHandler(PluginContext context) {
        this.version = context.pluginVersion();
    }

    @Override
    public Set<String> types() {
        return Set.of("NOTE");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        return HandlerResult.ack("noted by v" + version + " (" + message.payload().length + " bytes)");
    }
}
