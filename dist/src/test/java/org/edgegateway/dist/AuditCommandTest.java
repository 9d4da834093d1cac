package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit}: filtered, as a table or as CSV, on a running gateway (over its control socket) and a stopped one. */
@Timeout(120)
class AuditCommandTest {

    @Test
    void showsAndExportsTheFilteredAuditLog(@TempDir Path dir) throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        TestHome.configure(home,
                "gateway.endpoint=tcp://127.0.0.1:" + BundleProcess.freePort(), "admin.port=0", "pubsub.enabled=false");
        try (GatewayApp app = GatewayApp.start(home, Map.of())) {
            assertThat(Cli.run(home, "clients", "add", "sensor-1", "--public-key", CurveKeyPair.generate().publicZ85()))
                    .startsWith("exit 0");
            assertThat(Cli.run(home, "clients", "add", "sensor-2", "--public-key", CurveKeyPair.generate().publicZ85()))
                    .startsWith("exit 0");
            assertThat(Cli.run(home, "clients", "quarantine", "sensor-1", "--reason", "=1+1, \"loud\""))
                    .startsWith("exit 0");

            String table = Cli.run(home, "audit", "--client", "sensor-1");
            assertThat(table).startsWith("exit 0").contains("AT").contains("client.quarantine").contains("client.enrol")
                    .doesNotContain("sensor-2");
            assertThat(table.lines().filter(l -> l.contains("cli:"))).hasSize(2);
        }

        // Stopped: the same, straight from the key store. (The tests' log goes to standard output too.)
        String csv = Cli.output(home, "audit", "--action", "client.quarantine,client.enrol", "--csv");
        assertThat(csv).startsWith("exit 0\n");
        List<String> lines = csvLines(csv);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("id,at,actor,action,subject,detail,source");
        assertThat(lines.get(1)).contains(",client.quarantine,sensor-1,\"until released: =1+1, \"\"loud\"\"\",local");
        assertThat(lines.get(3)).contains(",client.enrol,sensor-1,key ");
        assertThat(csvLines(Cli.output(home, "audit", "--actor", "nobody", "--csv")))
                .containsExactly("id,at,actor,action,subject,detail,source");
        assertThat(Cli.run(home, "audit", "--from", "yesterday")).startsWith("exit 2")
                .contains("--from 'yesterday' is not a time such as 2026-01-01T10:00:00Z");
        assertThat(Cli.run(home, "audit", "--limit", "5000")).startsWith("exit 2")
                .contains("--limit 5000 is not in 1..1000 for a table (use --csv for more)");
    }

    /** The CRLF-ended lines of the CSV in a command's output, from its header on. */
    private static List<String> csvLines(String output) {
        String csv = output.substring(output.indexOf("id,at,actor,"));
        return List.of(csv.substring(0, csv.lastIndexOf("\r\n")).split("\r\n"));
    }
}
