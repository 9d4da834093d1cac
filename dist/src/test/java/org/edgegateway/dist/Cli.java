package org.edgegateway.dist;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /** What one command wrote, stdout and stderr apart. In tests the log lines go to stdout too. */
    record Streams(int code, String out, String err) {
        /** The last line the command printed on stdout, log lines left out. */
        String last() {
            List<String> lines = out.lines().filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    /** The exit code, stdout and stderr apart: for a command whose stdout is meant for a script. */
    static Streams apart(GatewayHome home, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
            code = execute(home, out, err, args);
        }
        return new Streams(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    private static String run(GatewayHome home, boolean withErr, String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            code = execute(home, capture, withErr ? capture : System.err, args);
        }
        return "exit " + code + "\n" + buffer.toString(StandardCharsets.UTF_8);
    }

    private static int execute(GatewayHome home, PrintStream capturedOut, PrintStream capturedErr, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            System.setOut(capturedOut);
            System.setErr(capturedErr);
            String[] all = new String[args.length + 2];
            all[0] = "--home";
            all[1] = home.root().toString();
            System.arraycopy(args, 0, all, 2, args.length);
            return Main.run(all);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
