package org.edgegateway.plugins.binary;

import java.io.IOException;
import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.plugin.api.PluginContext;
import org.edgegateway.plugin.api.PluginMetrics;
import org.edgegateway.plugin.support.RotatingFiles;
import org.pf4j.Extension;

/**
 * BINARY: any bytes, appended as they came to {@code HOME/data/plugins/binary/<client>/data.bin}, rotated
 * by size. Payloads are concatenated without framing, as the gateway has always stored them; a
 * reader that needs message boundaries uses a type of its own. Thread-safe ({@link RotatingFiles}
 * serialises each client's file).
 *
 * <p>Settings ({@code HOME/conf/plugins/binary.properties}): {@code file-size} (bytes per file
 * before rotation, default 64 MiB), {@code keep-files} (rotated files kept per client, default 9).
 */
@Extension
public final class BinaryHandler implements MessageHandler {
    static final String FILE = "data.bin";

    private final RotatingFiles files;
    private final PluginMetrics metrics;

    public BinaryHandler(PluginContext context) {
        // Files stay open between messages; those of clients silent for a minute are closed.
        this.files = RotatingFiles.fromSettings(context::clientFolder, FILE, context.config(), 64L * 1024 * 1024,
                context.scheduler());
        this.metrics = context.metrics();
    }

    @Override
    public void stop() {
        files.close();
    }

    @Override
    public Set<String> types() {
        return Set.of("BINARY");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) throws IOException {
        files.append(message.clientName(), message.payload());
        metrics.increment("stored");
        metrics.add("stored_bytes", message.payload().length);
        return HandlerResult.ack("BINARY received (" + message.payload().length + " bytes)");
    }
}
