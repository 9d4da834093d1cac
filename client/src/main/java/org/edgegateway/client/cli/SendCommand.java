package org.edgegateway.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgegateway.client.GatewayClient;
import org.edgegateway.protocol.Reply;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code send}: one message, prints the reply. Not thread-safe. */
@Command(name = "send", description = "Send one message and print the gateway's reply.")
final class SendCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--type", required = true, paramLabel = "T", description = "Message type, e.g. telemetry.")
    String type;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Payload payload;

    @Spec
    CommandSpec spec;

    static final class Payload {
        @Option(names = "--data", paramLabel = "D", description = "Payload given inline (UTF-8).")
        String data;

        @Option(names = "--file", paramLabel = "F", description = "Payload read from a file.")
        Path file;
    }

    @Override
    public Integer call() {
        byte[] bytes = payloadBytes();
        try (GatewayClient client = connection.builder().build()) {
            Reply reply = client.sendAsync(type, bytes).join();
            PrintWriter out = spec.commandLine().getOut();
            out.println(reply.status() + " " + reply.detailText());
            out.flush();
            return reply.isAck() ? ExitCodes.OK : ExitCodes.ERROR_REPLY;
        }
    }

    private byte[] payloadBytes() {
        if (payload.data != null) {
            return payload.data.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Files.readAllBytes(payload.file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--file " + payload.file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --file " + payload.file + ": " + e.getMessage());
        }
    }
}
