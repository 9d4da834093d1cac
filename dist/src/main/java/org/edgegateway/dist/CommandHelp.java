package org.edgegateway.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The examples shown under every command's usage, and the {@code help} sub-command of every command
 * that has sub-commands, so that {@code edge-gateway clients --help}, {@code edge-gateway clients
 * revoke --help} and {@code edge-gateway clients help revoke} all answer. Kept in one table so that a
 * new command without examples is caught by a test walking the tree. Stateless.
 */
final class CommandHelp {

    /** Examples by command path below {@code edge-gateway} ("" is the top), from {@code command-examples.txt}. */
    static final Map<String, List<String>> EXAMPLES = readExamples();

    private static Map<String, List<String>> readExamples() {
        Map<String, List<String>> examples = new java.util.LinkedHashMap<>();
        try (var in = CommandHelp.class.getResourceAsStream("command-examples.txt")) {
            if (in == null) {
                throw new IllegalStateException("command-examples.txt is missing from the class path");
            }
            List<String> current = null;
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("[") && line.endsWith("]")) {
                    current = new ArrayList<>();
                    examples.put(line.substring(1, line.length() - 1), current);
                } else if (current != null) {
                    current.add(line);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        examples.replaceAll((k, v) -> List.copyOf(v));
        return Map.copyOf(examples);
    }


    private CommandHelp() {
    }

    /** Adds a {@code help} sub-command and the examples footer to {@code cli} and every command below it. */
    static void install(CommandLine cli) {
        install(cli, "");
    }

    private static void install(CommandLine cli, String path) {
        List<String> examples = EXAMPLES.get(path);
        if (examples != null) {
            List<String> footer = new ArrayList<>();
            footer.add("");
            footer.add("Examples:");
            examples.forEach(e -> footer.add("  " + e.replace("%", "%%")));
            cli.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        }
        if (!cli.getSubcommands().isEmpty() && !cli.getSubcommands().containsKey("help")) {
            cli.addSubcommand(new CommandLine.HelpCommand());
        }
        for (CommandLine sub : List.copyOf(cli.getSubcommands().values())) {
            if (sub.getCommandSpec().helpCommand()) {
                continue;
            }
            install(sub, (path.isEmpty() ? "" : path + " ") + sub.getCommandName());
        }
    }
}
