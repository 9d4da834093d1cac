package org.edgegateway.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.edgegateway.client.ClientBundle;
import org.edgegateway.client.GatewayWorker;
import org.edgegateway.client.GatewayWorker.Answer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code worker}: serves message types for the gateway with a command. Each request's payload goes to
 * the command's standard input; exit code 0 answers ACK with its standard output, exit code 65
 * (EX_DATAERR) answers BAD_PAYLOAD and any other HANDLER_FAILED, both with its standard output. Runs
 * until stopped (SIGINT, SIGTERM).
 */
@Command(name = "worker", description = "Serve message types with a command: each payload is piped to it,"
        + " its output is the answer (exit 0: ACK, 65: BAD_PAYLOAD, other: HANDLER_FAILED).")
final class WorkerCommand implements java.util.concurrent.Callable<Integer> {
    /** The exit code of a command that refuses its input (sysexits.h EX_DATAERR). */
    static final int EX_DATAERR = 65;
    private static final int MAX_OUTPUT = 64 * 1024;

    @Option(names = "--bundle", required = true, paramLabel = "DIR",
            description = "Folder written by 'edge-gateway workers add NAME --generate --out DIR'.")
    Path bundle;

    @Option(names = "--worker", paramLabel = "NAME",
            description = "Worker certificate to use when the folder holds several (NAME.key_secret).")
    String name;

    @Option(names = "--endpoint", paramLabel = "E",
            description = "The workers' endpoint, e.g. tcp://gateway:5559 (default: the endpoint in server.key).")
    String endpoint;

    @Option(names = "--type", required = true, split = ",", paramLabel = "T",
            description = "Message types to serve (repeat or separate with commas).")
    List<String> types;

    @Option(names = "--exec", required = true, paramLabel = "CMD", description = "Command run by /bin/sh -c for each request.")
    String exec;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Kill a command that runs longer (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (!(timeoutSeconds > 0) || timeoutSeconds > 3600) {
            throw new IllegalArgumentException("--timeout must be between 0 and 3600 seconds: " + timeoutSeconds);
        }
        ClientBundle b = name == null ? ClientBundle.load(bundle) : ClientBundle.load(bundle, name);
        String at = endpoint != null ? endpoint : b.endpoint().orElseThrow(() -> new IllegalArgumentException(
                "the bundle " + bundle + " names no endpoint in server.key: give one with --endpoint"));
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "egw-worker-stop"));
        try (GatewayWorker w = GatewayWorker.start(b, at, Set.copyOf(types), request -> run(request.payload()),
                Duration.ofMillis(2500), event -> {
                    out.println(event);
                    out.flush();
                })) {
            stop.await();
        }
        return ExitCodes.OK;
    }

    /** Runs the command once with {@code payload} on its standard input. */
    Answer run(byte[] payload) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", exec).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread feeder = new Thread(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(payload);
            } catch (IOException e) {
                // The command did not read all of it: its exit code says the rest.
            }
        }, "egw-worker-stdin");
        feeder.setDaemon(true);
        feeder.start();
        // Read on a thread of its own, so that a command that hangs with its output open is still timed out.
        java.util.concurrent.CompletableFuture<byte[]> output = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (InputStream stdout = p.getInputStream()) {
                byte[] head = stdout.readNBytes(MAX_OUTPUT);
                stdout.transferTo(OutputStream.nullOutputStream());
                output.complete(head);
            } catch (IOException e) {
                output.complete(new byte[0]);
            }
        }, "egw-worker-stdout");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return Answer.failed("command did not finish within " + timeoutSeconds + " s");
        }
        byte[] head;
        try {
            head = output.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            head = new byte[0];
        }
        String text = new String(head, StandardCharsets.UTF_8).strip();
        return switch (p.exitValue()) {
            case 0 -> Answer.ack(text);
            case EX_DATAERR -> Answer.badPayload(text);
            default -> Answer.failed("command exited with " + p.exitValue() + (text.isEmpty() ? "" : ": " + text));
        };
    }
}
