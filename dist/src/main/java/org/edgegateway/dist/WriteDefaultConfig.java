package org.edgegateway.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgegateway.core.config.Settings;

/**
 * Build step: writes the documented default configuration (every key, commented out with its
 * default) into the bundle as {@code conf/gateway.properties.example}; a new home gets the same text.
 */
public final class WriteDefaultConfig {
    private WriteDefaultConfig() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: WriteDefaultConfig FILE");
        }
        Path file = Path.of(args[0]);
        Files.createDirectories(file.getParent());
        Files.writeString(file, Settings.documentedDefaults(GatewayApp.knownSettings()), StandardCharsets.UTF_8);
    }
}
