package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command of {@code edge-gateway}, found by walking the tree, answers --help and help CMD with examples. */
class CommandHelpTest {

    record Run(int code, String out, String err) {
    }

    private static Run run(List<String> args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** Every command path below the top, the top itself as the empty list. */
    private static List<List<String>> paths() {
        List<List<String>> paths = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), paths);
        return paths;
    }

    private static void walk(CommandLine cli, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        cli.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().helpCommand() || !name.equals(sub.getCommandName())) {
                return;
            }
            path.add(name);
            walk(sub, path, into);
            path.remove(path.size() - 1);
        });
    }

    @Test
    void everyCommandAnswersHelpWithAnExample() {
        List<List<String>> paths = paths();
        assertThat(paths).contains(List.of("clients"), List.of("clients", "revoke"), List.of("plugins", "trust"))
                .hasSizeGreaterThan(30);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run r = run(args);
            assertThat(r.code()).as("%s: %s", args, r.err()).isZero();
            assertThat(r.out()).as("%s", args).contains("Usage: edge-gateway").contains("Examples:")
                    .contains("  edge-gateway ");
            assertThat(r.err()).as("%s", args).isEmpty();
        }
    }

    @Test
    void everyCommandWithSubCommandsAnswersHelpCmd() {
        for (List<String> path : paths()) {
            if (path.isEmpty()) {
                continue;
            }
            List<String> args = new ArrayList<>(path.subList(0, path.size() - 1));
            args.add("help");
            args.add(path.get(path.size() - 1));
            Run r = run(args);
            assertThat(r.code()).as("%s: %s", args, r.err()).isZero();
            assertThat(r.out()).as("%s", args).contains("Usage: edge-gateway " + String.join(" ", path))
                    .contains("Examples:");
        }
    }

    @Test
    void theIssuesExamplesAnswer() {
        Run clients = run(List.of("clients", "--help"));
        assertThat(clients.code()).isZero();
        assertThat(clients.out()).contains("revoke").contains("quarantine").doesNotContain("Unknown option");
        Run revoke = run(List.of("clients", "revoke", "--help"));
        assertThat(revoke.code()).isZero();
        assertThat(revoke.out()).contains("edge-gateway clients revoke sensor-1");
        assertThat(revoke.err()).doesNotContain("Missing required parameter");
    }

    @Test
    void aCommandWithoutItsSubCommandShowsItsUsageAndExitsTwo() {
        Run bare = run(List.of("clients"));
        assertThat(bare.code()).isEqualTo(Main.USAGE);
        assertThat(bare.err()).contains("Missing required subcommand").contains("Usage: edge-gateway clients")
                .contains("Examples:");
        Run unknown = run(List.of("clients", "revoke"));
        assertThat(unknown.code()).isEqualTo(Main.USAGE);
        assertThat(unknown.err()).contains("Missing required parameter: 'NAME'");
    }

    @Test
    void everyExampleNamesACommandOfTheTree() {
        List<String> names = paths().stream().map(p -> String.join(" ", p)).toList();
        assertThat(names).containsExactlyInAnyOrderElementsOf(CommandHelp.EXAMPLES.keySet());
    }
}
