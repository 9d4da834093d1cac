package org.edgegateway.client.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.edgegateway.client.GatewayClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ping}: checks that the gateway answers this client. Not thread-safe. */
@Command(name = "ping", description = "Check that the gateway accepts this client and answers; print the round trip.")
final class PingCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "Pings to send (default: ${DEFAULT-VALUE}).")
    int count;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be at least 1: " + count);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (GatewayClient client = connection.builder().build()) {
            for (int i = 0; i < count; i++) {
                Duration rtt = client.ping();
                out.printf("PONG from %s as %s in %.3f ms%n", client.endpoint(), client.name(), rtt.toNanos() / 1e6);
                out.flush();
            }
        }
        return ExitCodes.OK;
    }
}
