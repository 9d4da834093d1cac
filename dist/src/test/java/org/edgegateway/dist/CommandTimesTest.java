package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every time the command line prints is ISO 8601 in UTC to the second, the form of the API and the admin UI. */
@Timeout(60)
class CommandTimesTest {

    /** Whatever starts like a date and a time, with whatever fraction, offset or zone follows. */
    private static final Pattern TIME_LIKE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT[0-9:.+\\-Z]*");
    private static final String ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

    @Test
    void clientsAndTokensAreListedAndAnsweredWithTimesToTheSecondInUtc(@TempDir Path dir) throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        Files.createDirectories(home.conf());
        String key = CurveKeyPair.generate().publicZ85();
        assertThat(Cli.run(home, "clients", "add", "sensor-1", "--public-key", key)).startsWith("exit 0");
        String quarantined = Cli.run(home, "clients", "quarantine", "sensor-1", "--for", "90m");
        assertThat(quarantined).startsWith("exit 0").containsPattern("quarantined sensor-1 until " + ISO);
        String token = Cli.run(home, "tokens", "create", "ci", "--expires-in", "30d");
        assertThat(token).startsWith("exit 0").containsPattern("expires " + ISO);

        List<String> outputs = List.of(quarantined, token, Cli.run(home, "tokens", "list"), Cli.run(home, "clients", "list"));
        int times = 0;
        for (String out : outputs) {
            Matcher m = TIME_LIKE.matcher(out);
            while (m.find()) {
                assertThat(m.group()).as(out).matches(ISO);
                times++;
            }
        }
        assertThat(times).as("quarantine end, token expiry twice, token creation").isGreaterThanOrEqualTo(4);
    }
}
