package org.edgegateway.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.edgegateway.core.config.GatewayHome;

/** A test's gateway home: its {@code conf/} folder and a {@code gateway.properties} of the given settings. */
final class TestHome {
    private TestHome() {
    }

    /** Writes {@code settings} ({@code key=value}, one per line) as the home's configuration file. */
    static GatewayHome configure(GatewayHome home, String... settings) throws IOException {
        Files.createDirectories(home.conf());
        Files.writeString(home.configFile(), String.join("\n", settings) + "\n", StandardCharsets.UTF_8);
        return home;
    }
}
