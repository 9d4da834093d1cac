package org.edgegateway.dist;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.edgegateway.core.config.GatewayHome;

/**
 * The command line run in the test's own JVM, as {@code edge-gateway --home HOME ARGS...}. Not
 * thread-safe: it swaps {@code System.out} and {@code System.err} while the command runs.
 */
final class Cli {

    private Cli() {
    }

    /** {@code "exit CODE\n"} followed by what the command wrote to stdout and stderr. */
    static String run(GatewayHome home, String... args) {
        return run(home, true, args);
    }

    /** {@code "exit CODE\n"} followed by what the command wrote to stdout alone (a file it was asked for). */
    static String output(GatewayHome home, String... args) {
        return run(home, false, args);
    }

    private static String run(GatewayHome home, boolean withErr, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            if (withErr) {
                System.setErr(capture);
            }
            String[] all = new String[args.length + 2];
            all[0] = "--home";
            all[1] = home.root().toString();
            System.arraycopy(args, 0, all, 2, args.length);
            code = Main.run(all);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return "exit " + code + "\n" + buffer.toString(StandardCharsets.UTF_8);
    }
}
