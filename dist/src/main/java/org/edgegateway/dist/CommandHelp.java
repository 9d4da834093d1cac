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

    /** Examples by command path below {@code edge-gateway} ("" is the top). */
    static final Map<String, List<String>> EXAMPLES = Map.ofEntries(
            Map.entry("", List.of(
                    "edge-gateway run",
                    "edge-gateway clients add sensor-1 --generate --out ~/bundles/sensor-1",
                    "edge-gateway clients list",
                    "edge-gateway help clients")),
            Map.entry("run", List.of(
                    "edge-gateway run",
                    "edge-gateway --home /var/lib/edge-gateway run")),
            Map.entry("keys", List.of("edge-gateway keys show")),
            Map.entry("keys show", List.of("edge-gateway keys show")),
            Map.entry("clients", List.of(
                    "edge-gateway clients add sensor-1 --generate --out ~/bundles/sensor-1",
                    "edge-gateway clients list",
                    "edge-gateway clients revoke sensor-1")),
            Map.entry("clients add", List.of(
                    "edge-gateway clients add sensor-1 --generate --out ~/bundles/sensor-1",
                    "edge-gateway clients add cam-2 --public-key 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7'")),
            Map.entry("clients list", List.of("edge-gateway clients list")),
            Map.entry("clients revoke", List.of("edge-gateway clients revoke sensor-1")),
            Map.entry("clients quarantine", List.of(
                    "edge-gateway clients quarantine sensor-1 --for 15m --reason 'floods at night'",
                    "edge-gateway clients quarantine sensor-1")),
            Map.entry("clients release", List.of("edge-gateway clients release sensor-1")),
            Map.entry("clients limit", List.of(
                    "edge-gateway clients limit sensor-1 --rate 50 --burst 100",
                    "edge-gateway clients limit sensor-1 --bytes-rate 1048576",
                    "edge-gateway clients limit sensor-1          (back to the gateway defaults)")),
            Map.entry("clients send", List.of(
                    "edge-gateway clients send sensor-1 --type CONFIG --data '{\"interval\": 5}'")),
            Map.entry("tokens", List.of(
                    "edge-gateway tokens create automation",
                    "edge-gateway tokens list")),
            Map.entry("tokens create", List.of(
                    "edge-gateway tokens create automation",
                    "edge-gateway tokens create prometheus --scope metrics --expires-in 365d")),
            Map.entry("tokens list", List.of("edge-gateway tokens list")),
            Map.entry("tokens revoke", List.of("edge-gateway tokens revoke automation")),
            Map.entry("admins", List.of(
                    "edge-gateway admins add alice --role admin",
                    "edge-gateway admins list")),
            Map.entry("admins list", List.of("edge-gateway admins list")),
            Map.entry("admins add", List.of(
                    "edge-gateway admins add vera",
                    "edge-gateway admins add alice --role admin --password-file alice.password")),
            Map.entry("admins disable", List.of("edge-gateway admins disable vera")),
            Map.entry("admins enable", List.of("edge-gateway admins enable vera")),
            Map.entry("admins reset", List.of(
                    "edge-gateway admins reset alice",
                    "edge-gateway admins reset alice --password-file alice.password")),
            Map.entry("admins role", List.of("edge-gateway admins role vera admin")),
            Map.entry("doctor", List.of("edge-gateway doctor", "edge-gateway --home /var/lib/edge-gateway doctor")),
            Map.entry("backup", List.of("edge-gateway backup /backups/gw.zip")),
            Map.entry("restore", List.of(
                    "edge-gateway --home /var/lib/edge-gateway restore /backups/gw.zip")),
            Map.entry("plugins", List.of("edge-gateway plugins list", "edge-gateway plugins trusted")),
            Map.entry("plugins list", List.of("edge-gateway plugins list")),
            Map.entry("plugins control", List.of(
                    "edge-gateway plugins control reload edge-gateway-plugin-json",
                    "edge-gateway plugins control stop my-plugin")),
            Map.entry("plugins install", List.of(
                    "edge-gateway plugins install my-plugin-1.0.zip",
                    "edge-gateway plugins install my-plugin-1.0.zip --signature my-plugin-1.0.zip.sig")),
            Map.entry("plugins sign", List.of("edge-gateway plugins sign my-plugin-1.0.zip --key publisher.key")),
            Map.entry("plugins keygen", List.of("edge-gateway plugins keygen publisher.key --comment 'ACME plugins'")),
            Map.entry("plugins trust", List.of("edge-gateway plugins trust publisher.key.pub")),
            Map.entry("plugins untrust", List.of("edge-gateway plugins untrust 3f2a9c0d41b87e65")),
            Map.entry("plugins trusted", List.of("edge-gateway plugins trusted")),
            Map.entry("bans", List.of("edge-gateway bans list", "edge-gateway bans remove 203.0.113.7")),
            Map.entry("bans list", List.of("edge-gateway bans list")),
            Map.entry("bans remove", List.of("edge-gateway bans remove 203.0.113.7")),
            Map.entry("topics", List.of("edge-gateway topics publish alerts/site-1 --data storm")),
            Map.entry("topics publish", List.of("edge-gateway topics publish alerts/site-1 --data storm")),
            Map.entry("topics subscriptions", List.of("edge-gateway topics subscriptions")),
            Map.entry("clients pending", List.of("edge-gateway clients pending")),
            Map.entry("clients approve", List.of("edge-gateway clients approve site1-pump-3")),
            Map.entry("clients reject", List.of("edge-gateway clients reject site1-pump-3")),
            Map.entry("claims", List.of(
                    "edge-gateway claims create site1- --uses 50 --expires 24h --out site1.claim",
                    "edge-gateway claims list")),
            Map.entry("claims create", List.of(
                    "edge-gateway claims create site1- --uses 50 --expires 24h --out site1.claim",
                    "edge-gateway claims create lab- --uses 1 --expires 2h --approve manual --out lab.claim")),
            Map.entry("claims list", List.of("edge-gateway claims list")),
            Map.entry("claims revoke", List.of("edge-gateway claims revoke 3")),
            Map.entry("workers", List.of(
                    "edge-gateway workers add resizer-1 --generate --out ~/resizer-1",
                    "edge-gateway workers list")),
            Map.entry("workers add", List.of(
                    "edge-gateway workers add resizer-1 --generate --out ~/resizer-1",
                    "edge-gateway workers add resizer-2 --public-key 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7'")),
            Map.entry("workers list", List.of("edge-gateway workers list")),
            Map.entry("workers revoke", List.of("edge-gateway workers revoke resizer-1")),
            Map.entry("audit", List.of(
                    "edge-gateway audit",
                    "edge-gateway audit --client sensor-1 --action client.quarantine,client.release",
                    "edge-gateway audit --actor admin --from 2026-01-01T00:00:00Z --csv > audit.csv")));

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
