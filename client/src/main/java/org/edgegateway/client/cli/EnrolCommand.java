package org.edgegateway.client.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.edgegateway.client.Enrolment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code enrol}: makes this sensor's key pair here and enrols it on a claim. Not thread-safe. */
@Command(name = "enrol", description = "Make a key pair on this sensor, enrol it on a claim file and write the bundle"
        + " (NAME.key, NAME.key_secret with mode 0600, server.key); the secret key never leaves this host.")
final class EnrolCommand implements Callable<Integer> {
    @Option(names = "--claim", required = true, paramLabel = "FILE", description = "The claim file from 'edge-gateway claims create'")
    Path claim;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "This sensor's name; must start with the claim's prefix")
    String name;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the bundle (created if missing)")
    Path out;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "15000",
            description = "How long to wait for the gateway's answer (default: ${DEFAULT-VALUE} ms)")
    long timeoutMs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 ms: " + timeoutMs);
        }
        Enrolment.Result r = Enrolment.enrol(claim, name, out, Duration.ofMillis(timeoutMs));
        PrintWriter w = spec.commandLine().getOut();
        w.println((r.status() == Enrolment.Status.ENROLLED ? "enrolled " : "enrolled, pending approval: ") + r.name()
                + " " + r.publicKey());
        w.println("bundle written to " + r.bundle().toAbsolutePath() + ": " + r.name() + ".key, " + r.name()
                + ".key_secret (secret, mode 0600), server.key");
        w.flush();
        return ExitCodes.OK;
    }
}
