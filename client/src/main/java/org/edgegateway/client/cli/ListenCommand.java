package org.edgegateway.client.cli;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.edgegateway.client.GatewayClient;
import org.edgegateway.protocol.Push;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code listen}: prints what the gateway pushes to this client. Not thread-safe. */
@Command(name = "listen", description = {
    "Print the messages the gateway pushes to this client, one per line as 'TYPE PAYLOAD'",
    "(payloads that are not UTF-8 text are printed as 'hex:...'), until Ctrl-C or --count."})
final class ListenCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N messages (default: run until Ctrl-C).")
    Integer count;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--count must be at least 1: " + count);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch done = new CountDownLatch(count == null ? 1 : count);
        try (GatewayClient client = connection.builder().build()) {
            client.onPush(push -> {
                synchronized (out) {
                    out.println(push.type() + " " + render(push));
                    out.flush();
                }
                if (count != null) {
                    done.countDown();
                }
            });
            client.ping();
            err.println("listening as " + client.name() + " on " + client.endpoint()
                    + (count == null ? " until Ctrl-C" : " for " + count + " message(s)"));
            err.flush();
            done.await();
        }
        return ExitCodes.OK;
    }

    static String render(Push push) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(push.payload())).toString().replace("\n", "\\n");
        } catch (CharacterCodingException e) {
            return "hex:" + HexFormat.of().formatHex(push.payload());
        }
    }
}
