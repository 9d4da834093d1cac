package org.edgegateway.client.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.edgegateway.client.BundleException;
import org.edgegateway.client.GatewayClientException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code edge-gateway-client}: enrol on a claim, then send, ping, listen and bench against an Edge Gateway with a client
 * bundle. The entry point of {@code bin/edge-gateway-client}. Failures are reported as one line on
 * stderr and an exit code ({@link ExitCodes}), never as a stack trace.
 */
@Command(name = "edge-gateway-client", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "edge-gateway-client 0.1.0",
        description = "Talk to an Edge Gateway with a client bundle ('clients add --generate' or 'enrol' writes it).",
        subcommands = {SendCommand.class, PingCommand.class, ListenCommand.class, BenchCommand.class, EnrolCommand.class,
                WorkerCommand.class,
            CommandLine.HelpCommand.class})
public final class ClientMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private ClientMain() {
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: send, ping, listen, bench, enrol or worker");
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    /** Runs the command line with the given streams and returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        PrintWriter outWriter = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cli = new CommandLine(new ClientMain());
        // A Z85 key may start with '@' (or "@@", picocli's escape): arguments are never file names to expand.
        cli.setExpandAtFiles(false);
        cli.setOut(outWriter);
        cli.setErr(errWriter);
        cli.setExitCodeExceptionMapper(ClientMain::exitCode);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            commandLine.getErr().println("edge-gateway-client: " + message(cause));
            commandLine.getErr().flush();
            return exitCode(cause);
        });
        cli.getCommandSpec().usageMessage().footer(footer(""));
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().footer(footer(sub.getCommandName()));
        }
        int code = cli.execute(args);
        outWriter.flush();
        errWriter.flush();
        return code;
    }

    /** Examples by sub-command ("" is the top); every command shows some. */
    static final java.util.Map<String, java.util.List<String>> EXAMPLES = java.util.Map.of(
            "", java.util.List.of(
                    "edge-gateway-client send --bundle ~/bundles/sensor-1 --type JSON --data '{\"t\": 21.5}'",
                    "edge-gateway-client ping --bundle ~/bundles/sensor-1 --endpoint tcp://gateway:5555",
                    "edge-gateway-client help send"),
            "send", java.util.List.of(
                    "edge-gateway-client send --bundle ~/bundles/sensor-1 --type JSON --data '{\"t\": 21.5}'",
                    "edge-gateway-client send --bundle ~/bundles/sensor-1 --endpoint tcp://gateway:5555 --type BINARY"
                            + " --file reading.bin"),
            "ping", java.util.List.of("edge-gateway-client ping --bundle ~/bundles/sensor-1"),
            "listen", java.util.List.of("edge-gateway-client listen --bundle ~/bundles/sensor-1 --count 10"),
            "bench", java.util.List.of("edge-gateway-client bench --bundle ~/bundles/sensor-1 --clients 4 --duration 30"),
            "enrol", java.util.List.of(
                    "edge-gateway-client enrol --claim site1.claim --name site1-pump-3 --out /etc/sensor"),
            "worker", java.util.List.of(
                    "edge-gateway-client worker --bundle ~/resizer-1 --type UPPER --exec 'tr a-z A-Z'"),
            "help", java.util.List.of("edge-gateway-client help send"));

    private static String[] footer(String command) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add("");
        lines.add("Examples:");
        EXAMPLES.getOrDefault(command, java.util.List.of()).forEach(e -> lines.add("  " + e.replace("%", "%%")));
        lines.add("");
        lines.add("Exit codes:");
        lines.addAll(java.util.List.of(ExitCodes.DESCRIPTION));
        return lines.toArray(String[]::new);
    }

    private static String message(Throwable t) {
        String text = t.getMessage();
        return text == null || text.isBlank() ? t.getClass().getSimpleName() : text;
    }

    static int exitCode(Throwable t) {
        if (t instanceof GatewayClientException g) {
            return switch (g.kind()) {
                case ERROR_REPLY -> ExitCodes.ERROR_REPLY;
                case OVERLOADED, CLOSED, INTERRUPTED, TIMEOUT, UNREACHABLE, HANDSHAKE_FAILED -> ExitCodes.UNREACHABLE;
            };
        }
        if (t instanceof BundleException || t instanceof IllegalArgumentException
                || t instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.UNREACHABLE;
    }
}
