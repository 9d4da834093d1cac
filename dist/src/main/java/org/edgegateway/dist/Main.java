package org.edgegateway.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.config.ConfigException;
import org.edgegateway.core.config.GatewayHome;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edge-gateway}: runs the gateway and administers it. Every administration command works
 * whether the gateway runs or not: with a gateway running on the same home it goes through the
 * gateway's local control socket (so the change reaches live connections at once), otherwise it opens
 * the key store itself.
 *
 * <p>Exit codes: 0 done; 1 failed (the message says why); 2 bad usage; 3 not found; 4 conflict (name
 * or key taken, wrong state); 5 unavailable (store in use, gateway not answering).
 */
@Command(name = "edge-gateway", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Secured ZeroMQ edge gateway: run it, enrol sensors, administer it.",
        subcommands = {RunCommand.class, KeysCommand.class, ClientsCommand.class, ClaimsCommand.class, TokensCommand.class, AdminsCommand.class, DoctorCommand.class, BackupCommand.class, RestoreCommand.class, PluginsCommand.class, BansCommand.class, TopicsCommand.class, WorkersCommand.class, AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int CONFLICT = 4;
    static final int UNAVAILABLE = 5;

    @Option(names = "--home", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Gateway home (conf, data, keys, plugins, logs); default $EDGE_GATEWAY_HOME or ~/.edge-gateway")
    Path home;

    /** The home this invocation works on. */
    GatewayHome home() {
        return GatewayHome.resolve(home, System.getenv());
    }

    public static void main(String[] args) {
        configureLogging(args);
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code; never calls System.exit. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The whole command tree: every command answers {@code --help} and {@code help CMD}, with examples. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // A Z85 key may start with '@' (or "@@", picocli's escape): arguments are never file names to expand.
        cli.setExpandAtFiles(false);
        CommandHelp.install(cli);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("edge-gateway: " + message(e));
            return exitCode(e);
        });
        cli.setExitCodeExceptionMapper(Main::exitCode);
        return cli;
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    static int exitCode(Throwable e) {
        if (e instanceof AdminException a) {
            return switch (a.kind()) {
                case INVALID -> USAGE;
                case NOT_FOUND -> NOT_FOUND;
                case CONFLICT -> CONFLICT;
                case UNAVAILABLE -> UNAVAILABLE;
            };
        }
        if (e instanceof ConfigException || e instanceof IllegalArgumentException
                || e instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return FAILED;
    }

    /**
     * Chooses the logging configuration before anything logs: a running gateway logs to standard
     * output and HOME/logs; the administration commands log warnings to standard error only.
     */
    static void configureLogging(String[] args) {
        String base = System.getProperty("egw.base");
        if (base == null || System.getProperty("logback.configurationFile") != null) {
            return;
        }
        Path explicit = null;
        String command = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--home") && i + 1 < args.length) {
                explicit = Path.of(args[++i]);
            } else if (args[i].startsWith("--home=")) {
                explicit = Path.of(args[i].substring("--home=".length()));
            } else if (command == null && !args[i].startsWith("-")) {
                command = args[i];
            }
        }
        boolean running = "run".equals(command);
        GatewayHome home = GatewayHome.resolve(explicit, System.getenv());
        System.setProperty("egw.home", home.root().toString());
        Path config = Path.of(base, "conf", running ? "logback.xml" : "logback-cli.xml");
        if (Files.isRegularFile(config)) {
            System.setProperty("logback.configurationFile", config.toString());
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"edge-gateway " + (v == null ? "(development build)" : v)};
        }
    }


}
