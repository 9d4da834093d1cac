package org.edgegateway.client.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.edgegateway.client.ClientBundle;
import org.edgegateway.client.GatewayClient;
import picocli.CommandLine.Option;

/** The options every command shares: which bundle, which endpoint, how long to wait. Not thread-safe. */
final class ConnectionOptions {
    @Option(names = "--bundle", required = true, paramLabel = "DIR",
            description = "Folder written by 'edge-gateway clients add NAME --generate --out DIR'.")
    Path bundle;

    @Option(names = "--client", paramLabel = "NAME",
            description = "Client certificate to use when the folder holds several (NAME.key_secret).")
    String client;

    @Option(names = "--endpoint", paramLabel = "E",
            description = "Gateway endpoint, e.g. tcp://gateway:5555 (default: the endpoint in server.key).")
    String endpoint;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for a reply, retries included (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    Duration timeout() {
        if (!(timeoutSeconds > 0) || timeoutSeconds > 86_400) {
            throw new IllegalArgumentException("--timeout must be between 0 and 86400 seconds: " + timeoutSeconds);
        }
        return Duration.ofNanos((long) (timeoutSeconds * 1e9));
    }

    GatewayClient.Builder builder() {
        ClientBundle loaded = ClientBundle.load(bundle, client);
        if (endpoint == null && loaded.endpoint().isEmpty()) {
            throw new IllegalArgumentException("no endpoint: " + bundle.resolve("server.key")
                    + " names none; give it with --endpoint tcp://HOST:PORT");
        }
        GatewayClient.Builder b = GatewayClient.builder().bundle(loaded).requestTimeout(timeout());
        if (endpoint != null) {
            b.endpoint(endpoint);
        }
        return b;
    }
}
