package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped systemd unit: its hardening, checked by systemd's own analyser where it is installed. */
class SystemdUnitTest {
    static final Path UNIT = Path.of("src/main/dist/systemd/edge-gateway.service");

    private static String analyse(Path dir, String... args) throws Exception {
        Process p = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", args)).isTrue();
        return out;
    }

    private static boolean systemdAnalyze() {
        return Files.isExecutable(Path.of("/usr/bin/systemd-analyze")) || Files.isExecutable(Path.of("/bin/systemd-analyze"));
    }

    @Test
    void theUnitFiltersSystemCallsHidesProcessesAndWritesOnlyTheHome() throws Exception {
        List<String> lines = Files.readAllLines(UNIT);
        assertThat(lines).contains("SystemCallFilter=@system-service", "SystemCallArchitectures=native",
                "ProtectProc=invisible", "ProtectSystem=strict", "ReadWritePaths=/var/lib/edge-gateway",
                "NoNewPrivileges=yes", "PrivateTmp=yes");
    }

    @Test
    void systemdAcceptsTheUnitAndRatesTheNewHardeningAsInPlace(@TempDir Path dir) throws Exception {
        assumeTrue(systemdAnalyze(), "systemd-analyze is not installed");
        // As installed, but starting something that exists here.
        String unit = Files.readString(UNIT).replace("/opt/edge-gateway/bin/edge-gateway", "/bin/true");
        Files.writeString(dir.resolve("edge-gateway.service"), unit);

        String verify = analyse(dir, "systemd-analyze", "verify", dir.resolve("edge-gateway.service").toString());
        assertThat(verify).doesNotContain("Unknown key").doesNotContain("Invalid").doesNotContain("Failed to parse");

        String security = analyse(dir, "systemd-analyze", "security", "--offline=true", "--no-pager",
                dir.resolve("edge-gateway.service").toString());
        for (String setting : List.of("SystemCallArchitectures=", "ProtectProc=", "SystemCallFilter=~@mount",
                "SystemCallFilter=~@module", "SystemCallFilter=~@debug", "ProtectSystem=")) {
            assertThat(security.lines().filter(l -> l.contains(setting + " ") || l.contains(setting + "\t")
                    || l.matches(".*\\Q" + setting + "\\E\\s.*")).toList())
                    .as(setting + " in:\n" + security).isNotEmpty().allMatch(l -> l.strip().startsWith("✓"));
        }
    }
}
